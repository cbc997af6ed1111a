"""Cases for the configuration reader's black-box tests (test_readconf*.py).

Each case is run against build/exim by the tests and was run once against
Exim 4.96 (Debian's exim4) by test/black/record_readconf.py, whose answers are
stored in test/expected/readconf/<name>.out (stdout) and <name>.err (stderr),
<name>.rc (exit status).  The tests never need exim4.

A case: name -> dict with
  conf   the configuration text; "@DIR@" stands for the case's directory
  files  {relative name: text} written beside it (included files)
  args   command-line arguments after "-C <conf>"
  user   "nobody" to run as a non-admin user (default: the caller, root)
  mode   file mode of the configuration (default 0o644)
Outputs are compared after normalise_case(): timestamps, the case directory
(CONFDIR) and exim4's "purging the environment" warning lines.
"""
import re

INC_A = "# included\nINCM = 5\nqualify_domain = q.example\n"

# ---------------------------------------------------------------- errors
# Run with -bV: the error goes to stderr with a timestamp, exit status 1.
ERRORS = {
    "unknown_main_option": "foo_bar = 1\n",
    "unknown_negated_option": "no_foo_bar\n",
    "malformed_line": "a b c\n",
    "option_expected": "= 5\n",
    "dot_unknown": ".foo\n",
    "if_not_directive": ".if A\n.endif\n",
    "missing_include": ".include @DIR@/nonexist.conf\n",
    "include_not_absolute": ".include_if_exists inc/a.conf\n",
    "include_trailing_text": ".include @DIR@/inc/a.conf x\n",
    "include_loop": ".include @DIR@/self.conf\n",
    "unterminated_ifdef": ".ifdef A\nprimary_hostname = x\n",
    "unterminated_ifdef_in_include": ".include @DIR@/open.conf\n",
    "stray_endif": ".endif\n",
    "stray_else": ".else\n",
    "stray_elifdef": ".elifdef A\n",
    "ifdef_too_deep": ".ifdef A\n" * 11,
    "ifdef_tab_is_ignored": ".ifdef\tA\n.endif\n",
    "skipped_include_not_opened": ".ifdef X\n.include @DIR@/close.conf\n",
    "macro_bad_name": "A-B = 3\n",
    "macro_duplicate": "A = 1\nA = 2\n",
    "macro_substring": "A = 1\nAB = 2\n",
    "macro_redefine_undefined": "A == 1\n",
    "macro_name_too_long": "A" * 70 + " = 1\n",
    "unknown_section": "begin foo\n",
    "section_name_truncated": "begin abcdefghijklmnopqrstuvwxyz\n",
    "section_repeated": "begin retry\n* * F,1h,1m\nbegin retry\n",
    "section_singular_repeated": "begin ACL\nbegin Routers\nbegin router\n",
    "local_scan_section": "begin local_scan\nfoo = 1\n",
    "begin_needs_space": "begin  routers\nbegin\trouters\n",
    "named_list_duplicate": "domainlist a = x\ndomainlist a = y\n",
    "named_list_bad_keyword": "domainlistx a = b\n",
    "named_list_missing_equals": "domainlist a b\n",
    "named_list_missing_quote": 'domainlist a = "x\n',
    "named_list_extra_after_quote": 'domainlist a = "x" y\n',
    "named_list_too_many": "".join(f"hostlist h{i} = x\n" for i in range(40)),
    "bom": "\ufeffprimary_hostname = x\n",
    "bad_time": "retry_interval_max = 3x\n",
    "bad_boolean": "split_spool_directory = maybe\n",
    "bad_integer": "smtp_accept_max = 12q\n",
    "option_set_twice": "qualify_domain = a\nqualify_domain = b\n",
    "driver_unknown": "begin routers\nr1:\n  driver = nosuch\n",
    "driver_missing": "begin routers\nr1:\n  domains = x\n",
    "driver_private_unknown": "begin routers\nr1:\n  driver = redirect\n  data = x\n  foo = 1\n",
    "driver_private_before_driver": "begin routers\nr1:\n  foo = 1\n  driver = accept\n",
    "driver_duplicate_instance":
        "begin routers\nr1:\n  driver = redirect\n  data = x\nr1:\n  driver = redirect\n  data = y\n",
    "driver_name_missing": "begin routers\n1r:\n  driver = accept\n",
    "driver_extra_after_name": "begin routers\nr1: driver = accept\n",
    "driver_set_twice": "begin routers\nr1:\n  driver = redirect\n  driver = redirect\n",
    "driver_macro_ends_instance":
        "begin routers\nr1:\n  driver = redirect\n  data = x\n  A = 1\n  errors_to = A\n",
    "driver_init_error": "begin routers\nr1:\n  driver = accept\n",
    "driver_init_after_macro":
        "begin transports\nt:\n  driver = pipe\nbegin routers\nr:\n  driver = accept\n  transport = t\n"
        "A = 1\nr2:\n  driver = manualroute\n",
    "auth_duplicate": "begin authenticators\na:\n  driver = plaintext\na:\n  driver = plaintext\n",
    "auth_no_driver": "begin authenticators\na:\n  public_name = x\n",
    "crlf_endif_ignored": "primary_hostname = x\r\n.ifdef A\r\n.endif\r\n",
    "continuation_ended_by_blank_line": "qualify_domain = a \\\n\n  bad_option = c\n",
    "continuation_comment_kept_going": "qualify_domain = a \\\n# comment\n  b\nbad = 1\n",
    "acl_name_missing": "begin acl\naccept\n",
    "acl_macro_ends_acl": "begin acl\na:\n accept\nA = 1\n deny\n",
    "acl_duplicate": "begin acl\na:\n accept\na:\n deny\n",
    "acl_macro_redefine_undefined": "begin acl\nA = 1\na:\n  accept\nB == 2\n",
}

ERROR_FILES = {
    "include_not_absolute": {"inc/a.conf": INC_A},
    "include_trailing_text": {"inc/a.conf": INC_A},
    "include_loop": {"self.conf": ".include @DIR@/self.conf\n"},
    "unterminated_ifdef_in_include": {"open.conf": ".ifdef X\n"},
    "skipped_include_not_opened": {"close.conf": ".endif\n"},
}

# ------------------------------------------------------- -bP config & co
CONFIG_R1 = r"""# top
A = 1
hide primary_hostname = h.example
.include inc/a.conf
domainlist local_domains = @ : A
hide hostlist relay = 1.2.3.4
addresslist_cache x = a@b
localpartlist lp = z
qualify_recipient = \
  # comment
   x.example

begin acl

acl_check_rcpt:
  accept hosts = :
         message = A
  deny   message = "a  \"  b"  c   d
  deny   message = x"   "y   z
  deny   message = x y "  z   w
  warn   log_message = ${if eq{1}{1}  {yes   }}

begin routers

R = 2
r1:
  driver = redirect
  data = x
  hide errors_to = R

begin retry
*   *   F,2h,15m
EXAMPLE.com * F,1h,10m
begin rewrite
*@x  y  F
"""

CONDITIONALS = """A=1
.ifdef A
primary_hostname = a
.elifdef B
primary_hostname = b
.else
primary_hostname = c
.endif
.ifndef A
qualify_domain = q1
.elifndef B
qualify_domain = q2
.endif
.ifdef NOPE
.ifdef A
.include /nonexistent/file
.endif
.else
.ifdeft
qualify_recipient = r
.endif
.ifdefA ignored: not a directive followed by a space
.endif
"""

MACROS = r"""AB_LONGER_FIRST = zz
A = 1
X = file
X == X2
B = X A
EMPTY =
EMPTY
C = # not a comment
C
primary_hostname = B AB_LONGER_FIRST xEMPTYy
qualify_domain = a \
   b\
 c
domainlist d = A
hide hostlist d = 1.2.3.4
addresslist_cache e = a@b
localpartlist lp = z
domainlist dollar = ${if true{x}}
"""

# Built-in macros that both Exim 4.96 (Debian) and this program define.
BUILTINS = """.ifdef _OPT_MAIN_QUALIFY_DOMAIN
primary_hostname = have.opt.main
.endif
.ifdef _DRIVER_ROUTER_REDIRECT
qualify_domain = have.driver.router
.endif
.ifdef _OPT_ROUTERS_DOMAINS
qualify_recipient = have.opt.routers
.endif
.ifndef _OPT_ROUTER_REDIRECT_DATA
qualify_recipient = BROKEN
.endif
.ifdef _OPT_TRANSPORT_PIPE_COMMAND _OPT_TRANSPORTS_BODY_ONLY
gecos_name = have.transport
.endif
.ifdef A _OPT_MAIN_QUALIFY_DOMAIN
gecos_pattern = not.scanned.after.upper.case
.endif
.ifdef a_b _OPT_MAIN_QUALIFY_DOMAIN
unknown_login = scanned.after.underscore.lower
.endif
.ifdef _NO_SUCH_BUILTIN
unknown_username = BROKEN
.endif
X = x
dsn_from = X_OPT_MAIN_QUALIFY_DOMAIN _OPT_MAIN_QUALIFY_DOMAIN
"""

INCLUDES = """.include "inc/a.conf"
.include_if_exists @DIR@/inc/nonexistent.conf
.include_if_exists @DIR@/inc/c.conf
hosts_treat_as_local = a : \\
  .include @DIR@/inc/part.conf
  c
primary_hostname = NESTED
"""
INCLUDE_FILES = {
    "inc/a.conf": "# a\n.include b.conf\nqualify_domain = after.b\n",
    "inc/b.conf": "NESTED = from.b\n",
    "inc/c.conf": "qualify_recipient = from.c\n",
    "inc/part.conf": "  b : \\\n",
}

OUTPUTS = {
    # name: (conf, files, args, user)
    "config_admin": (CONFIG_R1, {"inc/a.conf": INC_A}, ["-bP", "config"], None),
    "config_nonadmin": (CONFIG_R1, {"inc/a.conf": INC_A}, ["-bP", "config"], "nobody"),
    "config_terse": (CONFIG_R1, {"inc/a.conf": INC_A}, ["-n", "-bP", "config"], None),
    "config_includes": (INCLUDES, INCLUDE_FILES, ["-bP", "config"], None),
    "includes_values": (INCLUDES, INCLUDE_FILES, ["-bP", "primary_hostname", "qualify_domain",
                                                  "qualify_recipient", "hosts_treat_as_local"], None),
    "config_conditionals": (CONDITIONALS, {}, ["-bP", "config"], None),
    "config_macros": (MACROS, {}, ["-bP", "config"], None),
    "config_empty": ("", {}, ["-bP", "config"], None),
    "macros_user": (MACROS, {}, ["-bP", "macros"], None),
    "macro_one": (MACROS, {}, ["-bP", "macro", "X"], None),
    "macro_missing": (MACROS, {}, ["-bP", "macro", "NOPE"], None),
    "macros_cmdline_empty": (MACROS, {}, ["-DX", "-bP", "macros"], None),
    "macros_cmdline_value": (MACROS, {}, ["-DX=cmd", "-DCL=3", "-bP", "macros"], None),
    "macros_cmdline_long": (MACROS, {}, ["-DABCDEFGHIJKLMNOPQRSTUVWXYZ=3", "-bP", "macros"], None),
    "named_lists": (MACROS, {}, ["-bP", "+d", "+e", "+lp", "+dollar"], None),
    "macros_nonadmin": (MACROS, {}, ["-bP", "macros"], "nobody"),
    "macro_nonadmin": (MACROS, {}, ["-bP", "macro", "A"], "nobody"),
    "macro_list_nonadmin": (MACROS, {}, ["-bP", "macro_list"], "nobody"),
    "macros_cmdline_duplicate": (MACROS, {}, ["-DX=1", "-DX=2", "-bP", "macro", "X"], None),
    "named_list_missing": (MACROS, {}, ["-bP", "+nope"], None),
    "builtins_ifdef": (BUILTINS, {}, ["-bP", "primary_hostname", "qualify_domain",
                                      "qualify_recipient", "gecos_name", "gecos_pattern",
                                      "unknown_login", "unknown_username", "dsn_from"], None),
    "builtins_macro_one": (MACROS, {}, ["-bP", "macro", "_OPT_MAIN_QUALIFY_DOMAIN"], None),
    "builtins_redefine": ("_OPT_MAIN_QUALIFY_DOMAIN == 1\n", {}, ["-bV"], None),
    "builtins_substring": ("MY_OPT_MAIN_QUALIFY_DOMAIN = 1\n", {}, ["-bV"], None),
    "named_lists_terse": (MACROS, {}, ["-n", "-bP", "+d", "+lp"], None),
}

# The file search and the ownership rules (spec 6, 6.1): name -> dict of
# run_case() keyword arguments; the configuration is a valid one-liner.
FILES = {
    "file_nonexistent": {"c_arg": "@DIR@/nope.conf", "args": ["-bV"]},
    "file_list_nonexistent": {"c_arg": "@DIR@/nope.conf:@DIR@/nope2.conf", "args": ["-bV"]},
    "file_list_first_existing": {"c_arg": "@DIR@/nope.conf:@DIR@/exim.conf",
                                 "args": ["-bP", "config_file", "primary_hostname"]},
    "file_list_separator": {"c_arg": "<; @DIR@/nope.conf;@DIR@/exim.conf",
                            "args": ["-bP", "config_file"]},
    "file_world_writable": {"mode": 0o666, "args": ["-bV"]},
    "file_group_writable_root_group": {"mode": 0o664, "args": ["-bP", "primary_hostname"]},
    "file_group_writable_other_group": {"mode": 0o664, "owner": (0, 65534), "args": ["-bV"]},
    "file_not_root_owner": {"owner": (65534, 0), "args": ["-bV"]},
    "file_dev_null": {"c_arg": "/dev/null", "args": ["-bP", "config"]},
}
FILES_CONF = "primary_hostname = files.example\n"

# Lines of -bP macros output that are built-in macros differ with the build;
# the tests compare the user macros only, and check built-ins separately.


def normalise_case(text: str, confdir: str) -> str:
    text = text.replace(confdir, "CONFDIR")
    text = re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", "YYYY-MM-DD HH:MM:SS ", text, flags=re.M)
    lines = [l for l in text.split("\n")
             if "Warning: purging the environment" not in l and "Suggested action: use keep_environment" not in l]
    return "\n".join(lines)


def user_macros(text: str) -> str:
    return "\n".join(l for l in text.split("\n") if not l.startswith("_"))


def example_cases(top):
    """-bP config of Exim's default configuration, made independent of the
    build's features: the _HAVE_ conditionals test user macros that are not
    defined (name -> (conf, args, user)).  The unchanged file is accepted by
    test_example_conf_accepted."""
    example = (top / "test" / "conf" / "example.conf").read_text()
    none = example.replace("_HAVE_", "NOT_HAVE_")
    return {
        "example_config_none": (none, ["-bP", "config"], None),
        "example_config_none_nonadmin": (none, ["-bP", "config"], "nobody"),
        "example_config_none_terse": (none, ["-n", "-bP", "config"], None),
        "example_config_smarthost": (none, ["-DROUTER_SMARTHOST=smart.example", "-bP", "config"], None),
    }
