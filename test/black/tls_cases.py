"""STARTTLS session cases shared by test/expected/tls/record_tls.py (which
records them from exim4) and test_tls_bs.py (which plays them against our
build).  Each case: extra main-section text, and the steps ("TLS" starts
the handshake)."""

CASES = {
    "basic": ("", ["EHLO x", "STARTTLS", "TLS", "EHLO y", "STARTTLS", "QUIT"]),
    "with_argument": ("", ["EHLO x", "STARTTLS now", "QUIT"]),
    "not_advertised": ("tls_advertise_hosts =\n", ["EHLO x", "STARTTLS", "QUIT"]),
    "after_helo": ("", ["HELO x", "STARTTLS", "QUIT"]),
    "bad_certificate": ("BADCERT", ["EHLO x", "STARTTLS", "MAIL FROM:<a@example.com>", "NOOP",
                                    "EHLO y", "QUIT"]),
    "mail_after_tls_without_ehlo": ("", ["EHLO x", "STARTTLS", "TLS", "MAIL FROM:<a@example.com>",
                                         "RSET", "EHLO y", "MAIL FROM:<a@example.com>", "QUIT"]),
    # cleartext pipelined behind STARTTLS is not run inside TLS
    "pipelined_after_starttls": ("", ["EHLO x", "RAW:STARTTLS|MAIL FROM:<injected@example.com>|", "TLS",
                                      "EHLO y", "RCPT TO:<b@example.com>", "QUIT"]),
}


def config(d, pki, extra):
    cert, key = pki.srv_cert, pki.srv_key
    if extra == "BADCERT":
        cert, key, extra = "/nonexistent/cert.pem", "/nonexistent/key.pem", ""
    return (f"primary_hostname = test.example\n"
            f"spool_directory = {d}/spool\n"
            f"log_file_path = {d}/spool/%slog\n"
            f"keep_environment =\n"
            f"tls_certificate = {cert}\n"
            f"tls_privatekey = {key}\n" + extra)
