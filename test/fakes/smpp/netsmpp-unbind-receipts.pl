#!/usr/bin/perl
# An ESME built on Perl Net::SMPP (an SMPP implementation nobody here wrote) that unbinds with
# receipts in flight, for test/integration/smpp/peers-netsmpp.test.ts. Binds as receiver on
# loopback, reads N deliver_sm without answering them, sends unbind, then (MODE `answer`) answers
# the N after a pause, as an ESME whose application takes a moment, or (MODE `ignore`) never does;
# then reads until its unbind_resp, answering any further deliver_sm. Prints
# `RESULT held=N unbind_ok=0|1 late=K` (K: deliver_sm read after its unbind).
# Usage: perl netsmpp-unbind-receipts.pl PORT SYSTEM_ID PASSWORD N answer|ignore
use strict;
use warnings;
use Net::SMPP;
use IO::Select;
use Time::HiRes qw(time sleep);

my ($port, $system_id, $password, $n, $mode) = @ARGV;
die "usage: $0 PORT SYSTEM_ID PASSWORD N answer|ignore\n" unless defined $mode;
$SIG{ALRM} = sub { print "RESULT status=timeout\n"; exit 3 };
alarm 30;
my $smpp = Net::SMPP->new_receiver('127.0.0.1', port => $port, system_id => $system_id, password => $password,
                                   smpp_version => 0x34, interface_version => 0x34, timeout => 5)
    or do { print "RESULT status=bind_failed\n"; exit 1 };
$| = 1;
print "BOUND\n";
my $sel = IO::Select->new($smpp);
my @held;
while (@held < $n) {
    next unless $sel->can_read(0.2);
    my $pdu = $smpp->read_pdu or do { print "RESULT status=closed_early\n"; exit 1 };
    if ($pdu->{cmd} == 0x00000005) { push @held, $pdu->{seq} }
    elsif ($pdu->{cmd} == 0x00000015) { $smpp->enquire_link_resp(seq => $pdu->{seq}) }
}
my $useq = $smpp->unbind(async => 1);
if ($mode eq 'answer') {
    sleep 0.3;
    $smpp->deliver_sm_resp(message_id => '', seq => $_) for @held;
}
my ($ok, $late) = (0, 0);
my $until = time + 10;
while (time < $until) {
    next unless $sel->can_read(0.2);
    my $pdu = $smpp->read_pdu or last;
    if ($pdu->{cmd} == 0x80000006 && $pdu->{seq} == $useq) { $ok = 1; last }
    if ($pdu->{cmd} == 0x00000005) { $late++; $smpp->deliver_sm_resp(message_id => '', seq => $pdu->{seq}) }
    elsif ($pdu->{cmd} == 0x00000015) { $smpp->enquire_link_resp(seq => $pdu->{seq}) }
}
close $smpp;
print "RESULT held=" . scalar(@held) . " unbind_ok=$ok late=$late\n";
exit 0;
