/* conn.h - one incoming SMTP connection (or local SMTP/non-SMTP input):
 * who the peer is, the I/O on it, what has been negotiated (ESMTP, TLS,
 * AUTH, proxying), counters, and the envelope of the message being built.
 *
 * The SMTP server (smtp_in*.c), reception (src/receive), TLS (src/tls),
 * server authentication (src/auth/auth_server.c), PROXY/XCLIENT and the
 * daemon all work on one smtp_conn passed to them; there is no global copy
 * except conn_current, which the ACL engine and the expansion variables use
 * to find the connection they are evaluated for.
 *
 * Entry points (conn.c):
 *   conn_init()          a connection with everything unset
 *   conn_write()/conn_printf()/conn_flush()   buffered output to the peer
 *   conn_publish()       copy the connection's state into the expansion
 *                        variables ($sender_host_address, $tls_in_cipher ...)
 *   conn_host_text()     "H=name (helo) [ip]:port" etc. for log lines
 *
 * Must never: decide SMTP semantics (smtp_in.c does) or write spool files.
 */
#ifndef SMTP_CONN_H
#define SMTP_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "base/str.h"
#include "smtp/smtp_in_io.h"
#include "spool/spool.h"

/* What TLS negotiated on the incoming side ($tls_in_*).  Filled by the TLS
 * layer; all unset when TLS is not active. */
typedef struct tls_in_state {
  bool active;
  bool on_connect;              /* TLS from the first byte (tls_on_connect_ports, -tls-on-connect) */
  int bits;
  bool certificate_verified;
  const char *cipher;           /* Exim's form: "TLS1.3:TLS_AES_256_GCM_SHA384:256" */
  const char *cipher_std;       /* RFC name */
  const char *ver;              /* "TLS1.3" */
  const char *peerdn;
  const char *peercert;         /* PEM, or NULL */
  const char *ourcert;          /* PEM of the certificate we presented */
  const char *sni;
  int ocsp;                     /* 0 not requested ... 4 verified, as $tls_in_ocsp */
  int resumption;               /* bits as $tls_in_resumption / -tls_resumption */
  void *session;                /* the TLS layer's own state */
} tls_in_state;

/* DSN values as the spool's -H file holds them (dsn_flags of a recipient,
 * -dsn_ret), checked against exim4. */
#define SPOOL_DSN_NOTIFY_NEVER   0x02
#define SPOOL_DSN_NOTIFY_SUCCESS 0x04
#define SPOOL_DSN_NOTIFY_FAILURE 0x08
#define SPOOL_DSN_NOTIFY_DELAY   0x10
#define SPOOL_DSN_RET_FULL 1
#define SPOOL_DSN_RET_HDRS 2

/* The envelope of the message being received. */
typedef struct recv_envelope {
  bool mail_seen;               /* MAIL accepted, RSET/new message clears */
  const char *sender;           /* "" for <>; NULL before MAIL */
  spool_recipient *recipients;  /* accepted recipients */
  int recipients_count, recipients_size;
  int rcpt_count;               /* RCPT commands (accepted or not) */
  int rcpt_defer_count, rcpt_fail_count;
  /* MAIL parameters */
  long long declared_size;      /* SIZE=, -1 none */
  int body_type;                /* 0 none, 7 (7BIT), 8 (8BITMIME), 9 (BINARYMIME) */
  const char *dsn_envid;        /* ENVID= (xtext decoded) */
  int dsn_ret;                  /* 0, or the spool's RET value */
  const char *auth_sender;      /* AUTH= on MAIL, when accepted; "" for <> */
  bool smtputf8;                /* SMTPUTF8 on MAIL */
  bool prdr_requested;          /* PRDR on MAIL */
  const char *discarded_by;     /* "MAIL" / "RCPT": an ACL discarded recipients */
  const char *mail_discard_log; /* the MAIL ACL's discard log_message */
  bool requiretls;              /* REQUIRETLS on MAIL (EXPERIMENTAL_REQUIRETLS) */
  /* Set by ACL modifiers and controls for this message */
  bool queue_only;              /* control = queue(_only) */
  bool freeze;                  /* control = freeze */
  const char *freeze_reason;
  bool suppress_local_fixups;
  bool submission_mode;
  const char *submission_domain;
  const char *submission_name;
  bool submission_sender_retain;
  bool fake_response;           /* control = fakedefer/fakereject */
  int fake_response_code;       /* OK / FAIL / DEFER */
  const char *fake_response_text;
  /* Set by reception while the DATA/PRDR ACL's verdict is logged: the
   * message's id and the envelope and header lines the reject log shows. */
  const char *log_id;
  const char *log_reject_headers;
  gstring *acl_added_headers;   /* add_header text queued for the message, one per line with type prefix */
  const char *acl_removed_headers; /* colon list from remove_header */
  /* More ACL controls/modifiers (helper F) */
  bool rcpt_caseful_local_part; /* control = caseful_local_part (for the current RCPT) */
  bool cutthrough_requested;    /* control = cutthrough_delivery (delivery decides) */
  bool freeze_no_tell;          /* control = freeze/no_tell */
  bool queue_first_pass_route;  /* control = queue/first_pass_route */
  const char *queue_name;       /* queue = NAME (NULL: the default queue) */
} recv_envelope;

typedef struct smtp_conn {
  /* --- the peer --- */
  const char *host_address;     /* NULL: local input (no TCP/IP peer) */
  int host_port;
  const char *host_name;        /* verified name, or NULL when unknown */
  bool host_lookup_failed, host_lookup_deferred;
  const char *helo_name;        /* argument of the last HELO/EHLO, or NULL */
  bool helo_verified;
  const char *helo_verify_name; /* the HELO name helo_verified is about (NULL: none checked) */
  /* host lists decided once, at the start of the session (exim4's order;
   * smtp_host_options) */
  bool unqualified_sender_ok;   /* sender_unqualified_hosts */
  bool unqualified_recipient_ok;/* recipient_unqualified_hosts */
  bool helo_verify_required;    /* helo_verify_hosts */
  bool helo_verify_try;         /* helo_try_verify_hosts */
  bool helo_junk_ok;            /* helo_accept_junk_hosts */
  bool pipe_connect_offered;    /* pipelining_connect_advertise_hosts (after the connect ACL) */
  const char *ident;            /* RFC 1413 answer, or -oMt, or NULL */
  const char *interface_address;/* our end, NULL when local */
  int interface_port;
  const char *active_hostname;  /* smtp_active_hostname, expanded */
  const char *login;            /* local caller's login name (local input) */

  /* --- how the input arrives --- */
  bool local;                   /* -bs/-bS/non-SMTP without a TCP peer */
  bool host_checking;           /* -bh / -bhc: no spool writes, commentary */
  bool host_checking_callout;   /* -bhc */
  bool batched;                 /* -bS */
  bool inetd;                   /* -bs on a socket (inetd) */
  const char *received_protocol;/* "smtp", "esmtp", "esmtpsa", "local-esmtp", "asmtp" ... */
  bool protocol_fixed;          /* -oMr set received_protocol: keep it */
  bool esmtp;                   /* EHLO was accepted */
  bool helo_seen;
  bool pipelining_advertised;   /* in the last EHLO response */
  bool pipe_connect_advertised; /* PIPE_CONNECT in the last EHLO response */
  bool pipelining_used;         /* a command arrived pipelined (log "L" without "-") */
  bool pipe_connect_used;       /* the client used PIPE_CONNECT (log "L*") */
  bool chunking_used;           /* the message came in BDAT chunks (log "K") */
  bool chunking_advertised;
  bool prdr_advertised;
  bool auth_advertised;
  bool tls_advertised;
  bool dsn_advertised;
  bool smtputf8_advertised;
  bool enforce_sync;            /* control = (no_)enforce_sync; starts from smtp_enforce_sync */
  bool no_multiline_responses;
  bool no_pipelining;           /* control = no_pipelining */
  bool allow_auth_unadvertised;
  bool no_delay_flush;          /* control = no_delay_flush */
  bool no_callout_flush;        /* control = no_callout_flush */
  bool dont_deliver;            /* -N */

  /* --- I/O --- */
  smtp_in_reader in;
  int out_fd;
  /* Lower output layer (TLS replaces it): write len bytes, all or fail. */
  bool (*writefn)(struct smtp_conn *c, const char *data, size_t len);
  gstring *outbuf;              /* responses not yet written */
  bool write_failed;

  /* --- negotiated --- */
  tls_in_state tls;
  const char *authenticated_id;     /* server_set_id result, NULL if not authenticated */
  const char *authenticated_fail_id;
  const char *authenticated_sender; /* AUTH= accepted on MAIL */
  const char *auth_driver_name;     /* instance name of the authenticator used ($sender_host_authenticated) */
  const char *auth_mechanism;       /* its public name */

  /* --- proxying (PROXY protocol, XCLIENT) --- */
  bool proxy_session;
  const char *proxy_local_address;  /* our address as the proxy saw it */
  int proxy_local_port;
  const char *proxy_external_address; /* the proxy's outside address */
  int proxy_external_port;
  bool xclient_used;

  /* --- counters and limits --- */
  time_t start;
  long start_usec;              /* microseconds of the start, for D= with millisec */
  int messages_received;        /* accepted on this connection */
  int unknown_commands;         /* against smtp_max_unknown_commands */
  int synprot_errors;           /* against smtp_max_synprot_errors */
  int nonmail_commands;         /* against smtp_accept_max_nonmail */
  int connection_max_messages;  /* -oB / smtp_accept_queue_per_connection; -1 none */
  int connection_count;         /* daemon: connections it serves, this one included (for the
                                   "SMTP connection from" line); 0 when not from the daemon */
  bool accept_queue;            /* smtp_accept_queue reached: queue what arrives */
  const char *last_command;     /* $smtp_command (the full command line) */
  const char *smtp_command_history; /* "C=EHLO,MAIL,..." for log lines */

  /* --- the message --- */
  recv_envelope env;
} smtp_conn;

/* The connection being served in this process (NULL when none). */
extern smtp_conn *conn_current;

/* Everything unset; reads from in_fd (timeout seconds), writes to out_fd. */
void conn_init(smtp_conn *c, int in_fd, int out_fd, int timeout);

/* Reset the envelope (after a message, RSET, HELO/EHLO). */
void conn_reset_envelope(smtp_conn *c);

/* Buffered output.  Nothing reaches the peer until conn_flush() (which the
 * SMTP layer calls when no pipelined input is waiting, as RFC 2920 asks).
 * Return false once a write has failed. */
bool conn_write(smtp_conn *c, const char *data, size_t len);
bool conn_printf(smtp_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool conn_flush(smtp_conn *c);

/* Set the expansion variables that describe the connection from c
 * ($sender_host_address, $sender_host_name, $sender_helo_name,
 * $sender_host_port, $received_ip_address/port, $interface_*,
 * $received_protocol, $authenticated_id, $sender_host_authenticated,
 * $tls_in_*, $proxy_*, $smtp_active_hostname, ...).  Called after each
 * change. */
void conn_publish(const smtp_conn *c);

/* The host part of log lines as Exim writes it, per log_selector:
 * "H=name (helo) [ip]:port I=[ip]:port U=ident" (only the parts that
 * apply; "U=login" for local input).  Appended to g. */
gstring *conn_host_text(gstring *g, const smtp_conn *c);
/* A time difference (microseconds) as the log shows D= and RT=: with
 * log_selector millisec and under five seconds "0.002s", else Exim's time
 * form ("5s", "1m3s"). */
const char *conn_elapsed_text(long usec);

#endif
