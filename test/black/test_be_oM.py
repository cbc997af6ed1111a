"""-be with the -oM options: the variables they stand for are set, as
exim4 -be shows them ($sender_fullhost/$sender_rcvhost stay empty; a
"-oMt ''" means no ident).  Expected lines recorded from exim4, 2026-12-03."""

CONF = "primary_hostname = test.example\n"
VARS = ("<$sender_host_address> <$sender_host_port> <$sender_host_name> <$received_ip_address> "
        "<$received_port> <$interface_address> <$interface_port> <$sender_ident> "
        "<$received_protocol> <$sender_host_authenticated> <$authenticated_id> "
        "<$authenticated_sender> <$sender_fullhost> <$sender_rcvhost>")


def test_be_with_all_oM_options(exim):
    r = exim(["-oMa", "192.0.2.7.1234", "-oMs", "host.name", "-oMi", "10.0.0.1.25", "-oMt", "idt",
              "-oMr", "proto", "-oMaa", "plain", "-oMai", "aid", "-oMas", "as@x", "-be"],
             conf=CONF, input=VARS + "\n")
    assert r.out == ("> <192.0.2.7> <1234> <host.name> <10.0.0.1> <25> <10.0.0.1> <25> <idt> <proto> "
                     "<plain> <aid> <as@x> <> <>\n> \n")


def test_be_with_address_and_empty_ident(exim):
    r = exim(["-oMa", "192.0.2.7", "-oMt", "", "-be"], conf=CONF,
             input="<$sender_host_address> <$sender_host_port> <$sender_ident>\n")
    assert r.out == "> <192.0.2.7> <0> <>\n> \n"
