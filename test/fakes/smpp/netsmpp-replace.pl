#!/usr/bin/perl
# replace_sm from Perl Net::SMPP (an SMPP implementation nobody here wrote), for
# test/integration/smpp/peers-netsmpp.test.ts. Binds as transmitter on loopback, sends one submit_sm
# (UCS-2, scheduled SCHEDULE, a relative SMPP time, so it waits in the queue), then one replace_sm of
# it per further TEXT (UCS-2, times left empty: kept), and prints
# `RESULT submit=0x… message_id=… replace=0x…,0x…`, then unbinds.
# Usage: perl netsmpp-replace.pl PORT SYSTEM_ID PASSWORD SOURCE DEST SCHEDULE TEXT REPLACEMENT...
use strict;
use warnings;
use Net::SMPP;
use Encode qw(decode encode);

my ($port, $system_id, $password, $source, $dest, $schedule, $text, @replacements) = @ARGV;
die "usage: $0 PORT SYSTEM_ID PASSWORD SOURCE DEST SCHEDULE TEXT REPLACEMENT...\n" unless @replacements;
$SIG{ALRM} = sub { print "RESULT status=timeout\n"; exit 3 };
alarm 20;
my $ucs2 = sub { encode('UTF-16BE', decode('UTF-8', $_[0])) };
my $smpp = Net::SMPP->new_transmitter('127.0.0.1', port => $port, system_id => $system_id, password => $password,
                                      smpp_version => 0x34, interface_version => 0x34, timeout => 5)
    or do { print "RESULT status=bind_failed\n"; exit 1 };
my $resp = $smpp->submit_sm(source_addr_ton => 0, source_addr_npi => 1, source_addr => $source, dest_addr_ton => 1, dest_addr_npi => 1,
                            destination_addr => $dest, data_coding => 8, schedule_delivery_time => $schedule, short_message => $ucs2->($text))
    or do { print "RESULT status=no_answer\n"; exit 1 };
my $id = $resp->{message_id} // '';
my @st;
for my $r (@replacements) {
    my $rr = $smpp->replace_sm(message_id => $id, source_addr_ton => 0, source_addr_npi => 1, source_addr => $source,
                               schedule_delivery_time => '', validity_period => '', registered_delivery => 0, sm_default_msg_id => 0,
                               short_message => $ucs2->($r))
        or do { print "RESULT status=no_replace_answer\n"; exit 1 };
    push @st, sprintf('0x%08x', $rr->{status});
}
printf "RESULT submit=0x%08x message_id=%s replace=%s\n", $resp->{status}, $id, join(',', @st);
$smpp->unbind();
exit 0;
