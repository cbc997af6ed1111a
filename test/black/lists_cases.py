"""List-matching cases (spec chapter 10) shared by the recorder
(record_lists.py, run against exim4) and test_lists.py.

Each case is (kind, subject, list): kind is the ${if} condition
(match_domain, match_local_part, match_address, match_ip, inlist, inlisti).
The expansion recorded is ${if KIND{SUBJECT}{LIST}{Y:$value}{N}}.  "@FIX@"
in a list stands for the directory holding FILES (absolute at run time).
"""

CONFIG = """\
primary_hostname = my.host.example
domainlist dl = a.example : *.b.example : !c.example
domainlist dlneg = !a.b
domainlist dl2 = +dl : z.example
domainlist dlfile = @FIX@/items
domainlist dllook = lsearch;@FIX@/doms
hostlist hl = 10.0.0.0/8 : 192.168.1.1
hostlist hl6 = <; 2001:db8::/32 ; 127.0.0.1
hostlist hlnet = net24-lsearch;@FIX@/nets
addresslist al = *@a.example : ^b.*@x[.]y : joe@+dl
addresslist alneg = !*@bad.example : *@example
localpartlist ll = postmaster : ^ab.* : *-list
localpartlist llneg = !root
"""

FILES = {
    "doms": "x.example\nfoo.b.example: data1\n*.pb.example: pdata\n*: star\n",
    "lps": "a.example: postmaster : *-x : >*\nb.example: !bob : *\n*: ^[0-9]{3}\n",
    "nets": "10.1.2.0/24: net\n192.168.1.1: one\n2001.0db8.0000.0000.0000.0000.0000.0001: six\n",
    "ipl": "10.1.2.0/24: net\n192.168.1.1: one\n\"2001:db8::/32\": six\n",
    "items": "# comment\n!bad.b.example   # not this one\n*.b.example\n\n",
    "negitems": "!a.example\n",
    "lpitems": "not#comment  # but this is\nAlice\n",
    "addrs": "user1@domain1.example\n*@domain2.example\n",
    "addritems": "joe@x.example  # comment\n*@*.y.example\n",
}

CASES = [
    # domain lists: literals, case, negation, end-of-list rule
    ("match_domain", "a.example", "a.example"),
    ("match_domain", "A.Example", "a.example"),
    ("match_domain", "a.example", "A.EXAMPLE"),
    ("match_domain", "b.example", "a.example"),
    ("match_domain", "x.y", "!a.b"),
    ("match_domain", "a.b", "!a.b"),
    ("match_domain", "x.y", "! a.b : ! c.d"),
    ("match_domain", "x.y", "a.b : !c.d : e.f"),
    ("match_domain", "c.d", "!c.d : *"),
    ("match_domain", "x.y", "!c.d : *"),
    ("match_domain", "x.y", ""),
    ("match_domain", "", ":"),
    ("match_domain", "", "a : : b"),
    ("match_domain", "x.y", " x.y "),
    ("match_domain", "x.y", "a:x.y:b"),
    ("match_domain", "x.y", "a::x.y"),
    ("match_domain", "B.example", "<; a.example ; b.example"),
    ("match_domain", "b.example", "<, a.example , b.example"),
    ("match_domain", "a:b", "a::b"),
    # wildcards
    ("match_domain", "donkey.ex", "*key.ex"),
    ("match_domain", "cipher.key.ex", "*key.ex"),
    ("match_domain", "key.ex", "*.key.ex"),
    ("match_domain", "anything", "*"),
    ("match_domain", "DONKEY.EX", "*key.ex"),
    # regular expressions
    ("match_domain", "ABC.ex", "^a(b)c[.]ex"),
    ("match_domain", "abc.ex", "(?-i)^A"),
    ("match_domain", "1999.fict.example", "^[1-2][0-9][0-9][0-9][.]fict"),
    ("match_domain", "x.y", "^(x"),
    # @ and @[]
    ("match_domain", "my.host.example", "@"),
    ("match_domain", "MY.HOST.example", "@"),
    ("match_domain", "other.example", "@"),
    ("match_domain", "[127.0.0.1]", "@[]"),
    ("match_domain", "[192.0.2.99]", "@[]"),
    ("match_domain", "127.0.0.1", "@[]"),
    # named lists
    ("match_domain", "a.example", "+dl"),
    ("match_domain", "c.example", "+dl"),
    ("match_domain", "x.b.example", "+dl"),
    ("match_domain", "c.example", "+dl2"),
    ("match_domain", "z.example", "+dl2"),
    ("match_domain", "x.y", "+dlneg"),
    ("match_domain", "a.b", "+dlneg"),
    ("match_domain", "a.example", "!+dl"),
    ("match_domain", "q.example", "! +dl"),
    ("match_domain", "x.b.example", "+dlfile"),
    ("match_domain", "foo.b.example", "+dllook"),
    # lookups
    ("match_domain", "foo.b.example", "lsearch;@FIX@/doms"),
    ("match_domain", "x.example", "lsearch;@FIX@/doms"),
    ("match_domain", "X.EXAMPLE", "lsearch;@FIX@/doms"),
    ("match_domain", "nope.example", "lsearch;@FIX@/doms"),
    ("match_domain", "nope.example", "lsearch*;@FIX@/doms"),
    ("match_domain", "bar.foo.pb.example", "partial-lsearch;@FIX@/doms"),
    ("match_domain", "pb.example", "partial-lsearch;@FIX@/doms"),
    ("match_domain", "foo.b.example", "lsearch,ret=key;@FIX@/doms"),
    ("match_domain", "x.example", "a.example : lsearch;@FIX@/doms : x.example"),
    ("match_domain", "x.example", "!lsearch;@FIX@/doms"),
    # files of items
    ("match_domain", "x.b.example", "@FIX@/items"),
    ("match_domain", "bad.b.example", "@FIX@/items"),
    ("match_domain", "bad.b.example", "!@FIX@/items"),
    ("match_domain", "x.b.example", "!@FIX@/items"),
    ("match_domain", "x.example", "@FIX@/items"),
    ("match_domain", "q.example", "@FIX@/negitems"),
    ("match_domain", "a.example", "@FIX@/negitems"),
    # local part lists
    ("match_local_part", "postmaster", "postmaster"),
    ("match_local_part", "PostMaster", "postmaster"),
    ("match_local_part", "PostMaster", "+caseful : postmaster"),
    ("match_local_part", "PostMaster", "+caseful : PostMaster"),
    ("match_local_part", "postmaster", "+ll"),
    ("match_local_part", "abc", "+ll"),
    ("match_local_part", "foo-list", "+ll"),
    ("match_local_part", "bob", "+ll"),
    ("match_local_part", "bob", "+llneg"),
    ("match_local_part", "root", "+llneg"),
    ("match_local_part", "my.host.example", "@"),
    ("match_local_part", "not#comment", "@FIX@/lpitems"),
    ("match_local_part", "alice", "@FIX@/lpitems"),
    ("match_local_part", "x", "^X"),
    ("match_local_part", "x.example", "lsearch;@FIX@/doms"),
    # address lists
    ("match_address", "x@a.example", "+al"),
    ("match_address", "bob@x.y", "+al"),
    ("match_address", "joe@x.b.example", "+al"),
    ("match_address", "jim@x.b.example", "+al"),
    ("match_address", "x@bad.example", "+alneg"),
    ("match_address", "x@example", "+alneg"),
    ("match_address", "x@other", "+alneg"),
    ("match_address", "", ":"),
    ("match_address", "", "a@b"),
    ("match_address", "", "^$"),
    ("match_address", "x@y", ":"),
    ("match_address", "x@Enemy.Domain", "enemy.domain"),
    ("match_address", "x@a.enemy.domain", "*.enemy.domain"),
    ("match_address", "Joe@X.Y", "joe@x.y"),
    ("match_address", "Joe@X.Y", "+caseful : joe@x.y"),
    ("match_address", "Joe@X.Y", "+caseful : Joe@x.y"),
    ("match_address", "Joe@X.Y", "+caseful : ^joe"),
    ("match_address", "Joe@X.Y", "^joe@x"),
    ("match_address", "joe@x.y", "*e@x.y"),
    ("match_address", "joe@x.y", "*@x.y"),
    ("match_address", "joe@x.y", "joe@*"),
    ("match_address", "joe@x.y", "joe@*.y"),
    ("match_address", "joe@x.y", "@x.y"),
    ("match_address", "joe@x.y", "j@x.y"),
    ("match_address", "x@my.host.example", "*@@"),
    ("match_address", "x@my.host.example", "*@+dl"),
    ("match_address", "x@a.example", "*@+dl"),
    ("match_address", "x@foo.b.example", "*@lsearch;@FIX@/doms"),
    ("match_address", "x@nope.example", "*@lsearch;@FIX@/doms"),
    ("match_address", "x@bar.foo.pb.example", "x@partial-lsearch;@FIX@/doms"),
    ("match_address", "user1@domain1.example", "lsearch;@FIX@/addrs"),
    ("match_address", "user2@domain1.example", "lsearch;@FIX@/addrs"),
    ("match_address", "anyone@domain2.example", "lsearch*@;@FIX@/addrs"),
    ("match_address", "anyone@domain3.example", "lsearch*@;@FIX@/addrs"),
    ("match_address", "joe@x.example", "@FIX@/addritems"),
    ("match_address", "a@b.y.example", "@FIX@/addritems"),
    ("match_address", "foo-x@a.example", "@@lsearch;@FIX@/lps"),
    ("match_address", "postmaster@a.example", "@@lsearch;@FIX@/lps"),
    ("match_address", "123@a.example", "@@lsearch*;@FIX@/lps"),
    ("match_address", "123@a.example", "@@lsearch;@FIX@/lps"),
    ("match_address", "bob@a.example", "@@lsearch*;@FIX@/lps"),
    ("match_address", "bob@b.example", "@@lsearch;@FIX@/lps"),
    ("match_address", "tom@b.example", "@@lsearch;@FIX@/lps"),
    ("match_address", "tom@c.example", "@@lsearch;@FIX@/lps"),
    ("match_address", "unqualified", "unqualified"),
    ("match_address", "unqualified", "*@unqualified"),
    ("match_address", "bob@a.example", "*@x.example : ^bob"),
    ("match_address", "bob@x.example", "b*@x.example"),
    ("match_address", "bob@x.example", "*b@x.example"),
    ("match_address", "Bob@X.Example", "bob@x.example"),
    ("match_address", "x@y", "x@+nosuch"),
    ("match_domain", "x.y", "+nosuch"),
    ("match_domain", "x.y", "@FIX@/nosuchfile"),
    ("match_domain", "x.y", "lsearch;@FIX@/nosuchfile"),
    ("match_domain", "x.y", "nosuchlookup;foo"),
    # match_ip
    ("match_ip", "1.2.3.4", "1.2.3.4"),
    ("match_ip", "1.2.3.5", "1.2.3.4"),
    ("match_ip", "1.2.3.4", "localhost:1.2.3.0/24"),
    ("match_ip", "127.0.0.1", "localhost"),
    ("match_ip", "1.2.3.4", "*.foo"),
    ("match_ip", "::ffff:1.2.3.4", "1.2.3.4"),
    ("match_ip", "1.2.3.4", "<; ::1 ; 1.2.0.0/16"),
    ("match_ip", "2001:db8::1", "<; 2001:db8::/32"),
    ("match_ip", "2001:db9::1", "<; 2001:db8::/32"),
    ("match_ip", "2001:db8::1", "2001::::db8::::1"),
    ("match_ip", "2001:DB8::1", "<; 2001:db8:0:0::1"),
    ("match_ip", "", ":1.2.3.4"),
    ("match_ip", "1.2.3.4", ":1.2.3.4"),
    ("match_ip", "1.2.3.4", "!1.2.3.4"),
    ("match_ip", "5.2.3.4", "!1.2.3.4"),
    ("match_ip", "1.2.3.4", "+hl"),
    ("match_ip", "10.9.9.9", "+hl"),
    ("match_ip", "2001:db8::5", "+hl6"),
    ("match_ip", "10.1.2.3", "+hlnet"),
    ("match_ip", "127.0.0.1", "@[]"),
    ("match_ip", "192.0.2.77", "@[]"),
    ("match_ip", "1.2.3.4", "*"),
    ("match_ip", "192.168.34.6", "192.168.34.0/24"),
    ("match_ip", "192.168.23.237", "192.168.23.236/31"),
    ("match_ip", "192.168.23.238", "192.168.23.236/31"),
    ("match_ip", "8.8.8.8", "0.0.0.0/0"),
    ("match_ip", "10.1.2.7", "net24-lsearch;@FIX@/nets"),
    ("match_ip", "10.1.3.7", "net24-lsearch;@FIX@/nets"),
    ("match_ip", "192.168.1.1", "lsearch;@FIX@/nets"),
    ("match_ip", "192.168.1.1", "net-lsearch;@FIX@/nets"),
    ("match_ip", "192.168.1.1", "net32-lsearch;@FIX@/nets"),
    ("match_ip", "2001:db8::1", "<| net-lsearch;@FIX@/nets"),
    ("match_ip", "10.1.2.99", "iplsearch;@FIX@/ipl"),
    ("match_ip", "2001:db8::99", "<| iplsearch;@FIX@/ipl"),
    ("match_ip", "11.1.2.99", "iplsearch;@FIX@/ipl"),
    ("match_ip", "2001:db8::1", "<; net-lsearch;@FIX@/nets"),
    ("match_ip", "192.0.2.1", "+ignore_unknown : localhost : 192.0.2.1"),
    ("match_ip", "192.0.2.1", "+include_unknown : localhost : 192.0.2.2"),
    ("match_ip", "192.0.2.1", "192.0.2.1 : localhost"),
    ("match_ip", "192.0.2.1", "!localhost : 192.0.2.1"),
    ("match_ip", "192.0.2.1", "192.0.2.0/33"),
    ("match_ip", "192.0.2.1", "!192.0.2.0/24 : *"),
    ("match_ip", "192.0.2.1", "net16-lsearch;@FIX@/nosuchfile"),
    # inlist / inlisti
    ("inlist", "abc", "^a.*"),
    ("inlist", "ABC", "x:abc"),
    ("inlisti", "ABC", "x:abc"),
    ("inlist", "abc", "x:abc"),
    ("inlist", "a", "+dl"),
    ("inlist", "a", "!b"),
    ("inlist", "", ":"),
    ("inlist", "b", "<; a ; b"),
    ("inlist", "*", "*"),
    ("inlist", "x", "*"),
]

# Whole expansions for the -be test (test_lists_be.py): numeric variables
# set by matching, \N-protected regexes, named lists that need expansion
# (cached or not, forced failure, errors).
CONFIG_BE = CONFIG + """\
domainlist dyn = ${if eq{1}{1}{a.example}{b.example}} : c.example
domainlist_cache dync = ${if eq{1}{1}{a.example}{b.example}}
domainlist forced = ${if eq{1}{2}{a.example}fail}
domainlist broken = ${nosuchop:x}
domainlist rx = \\N^(a|b)\\.example$\\N
localpartlist lpdyn = ${lc:ROOT} : ${uc:x}
hostlist hdyn = <; ${if eq{1}{1}{127.0.0.0/8}} ; ::1
addresslist adyn = ${lc:BOB}@x.y
"""

EXPR_CASES = [
    "${if match_domain{donkey.ex}{*key.ex}{$value:$0:$1}{N}}",
    "${if match_domain{DONKEY.ex}{*key.ex}{$value:$0:$1}{N}}",
    "${if match_domain{ABC.ex}{\\N^a(b)c\\.ex$\\N}{$value:$0:$1}{N}}",
    "${if match_domain{abc.ex}{\\N^a(?:x|(b))c\\.ex$\\N}{$value:$0:$1}{N}}",
    "${if match_local_part{abc}{^a(b)(c)}{$value:$0:$1:$2}{N}}",
    "${if match_local_part{foo-list}{*-list}{$value:$0:$1}{N}}",
    "${if match_address{bob@x.y}{\\N^(b.*)@x\\.y$\\N}{$0:$1}{N}}",
    "${if match_address{bob@x.y}{\\N^(b.*)@x\\.y$\\N}{<$value>}{N}}",
    "${if match_domain{a.example}{+dyn}{Y:$value}{N}}",
    "${if match_domain{b.example}{+dyn}{Y:$value}{N}}",
    "${if match_domain{c.example}{+dyn}{Y:$value}{N}}",
    "${if match_domain{a.example}{+dync}{Y:$value}{N}}",
    "${if match_domain{a.example}{+dync}{Y:$value}{N}}${if match_domain{a.example}{+dync}{Y:$value}{N}}",
    "${if match_domain{a.example}{+forced}{Y:$value}{N}}",
    "${if match_domain{a.example}{!+forced}{Y:$value}{N}}",
    "${if match_domain{a.example}{+broken}{Y:$value}{N}}",
    "${if match_domain{b.example}{+rx}{Y:$value:$1}{N}}",
    "${if match_domain{c.example}{+rx}{Y:$value}{N}}",
    "${if match_local_part{root}{+lpdyn}{Y:$value}{N}}",
    "${if match_local_part{X}{+lpdyn}{Y:$value}{N}}",
    "${if match_ip{127.1.2.3}{+hdyn}{Y:$value}{N}}",
    "${if match_ip{::1}{+hdyn}{Y:$value}{N}}",
    "${if match_ip{::2}{+hdyn}{Y:$value}{N}}",
    "${if match_address{bob@x.y}{+adyn}{Y:$value}{N}}",
    "${if match_address{BOB@X.Y}{+adyn}{Y:$value}{N}}",
    "${if match_domain{a.example}{a.example}{$value}}-${if match_domain{b}{a}{$value}{n:$value}}",
    "${if match_domain{x}{x}{${if match_domain{y}{y}{in:$value}}:$value}}",
    "${if match_ip{1.2.3.4}{<; 1.2.3.0/24 ; ::1}{Y:$value}{N}}",
    "${if match_ip{}{}{Y}{N}}",
    "${if match_ip{}{:}{Y}{N}}",
    "${if match_domain{}{}{Y}{N}}",
    "${if match_local_part{}{:}{Y}{N}}",
    "${if inlist{b}{a:b:c}{Y:$value}{N}}",
    "${if inlisti{B}{a:b:c}{Y:$value}{N}}",
    "${if inlist{b}{<; a;b;c}{Y:$value}{N}}",
    "${if inlist{a:b}{a::b}{Y:$value}{N}}",
    "${if and{{match_domain{a.example}{+dl}}{match_local_part{x}{x}}}{Y:$value}{N}}",
    "${if or{{match_domain{q}{+dl}}{match_domain{a.example}{+dl}}}{Y:$value}{N}}",
    "${if !match_domain{a.example}{+dl}{Y}{N}}",
    "${if match_domain{a.example}{$primary_hostname}{Y:$value}{N}}",
]
