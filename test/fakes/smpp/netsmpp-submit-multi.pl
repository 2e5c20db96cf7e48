#!/usr/bin/perl
# One submit_multi from Perl Net::SMPP (an SMPP implementation nobody here wrote), for
# test/integration/smpp/peers-netsmpp.test.ts. Binds as transmitter on loopback, sends one
# submit_multi (the text as UCS-2, data_coding 8) to the destinations given (an argument `dl:NAME` is a distribution list, dest_flag 2),
# prints one line `RESULT status=0x… message_id=… no_unsuccess=N unsuccess=ADDR/0x…,…`, unbinds.
# Usage: perl netsmpp-submit-multi.pl PORT SYSTEM_ID PASSWORD SOURCE TEXT DEST...
use strict;
use warnings;
use Net::SMPP;
use Encode qw(decode encode);

my ($port, $system_id, $password, $source, $text, @dests) = @ARGV;
die "usage: $0 PORT SYSTEM_ID PASSWORD SOURCE TEXT DEST...\n" unless @dests;
$SIG{ALRM} = sub { print "RESULT status=timeout\n"; exit 3 };
alarm 20;
my $smpp = Net::SMPP->new_transmitter('127.0.0.1', port => $port, system_id => $system_id, password => $password,
                                      smpp_version => 0x34, interface_version => 0x34, timeout => 5)
    or do { print "RESULT status=bind_failed\n"; exit 1 };
my (@flag, @ton, @npi, @addr);
for my $d (@dests) {
    if ($d =~ /^dl:(.*)$/) { push @flag, Net::SMPP::MULTIDESTFLAG_dist_list; push @ton, 0; push @npi, 0; push @addr, $1 }
    else { push @flag, Net::SMPP::MULTIDESTFLAG_SME_Address; push @ton, 1; push @npi, 1; push @addr, $d }
}
my $resp = $smpp->submit_multi(source_addr_ton => 0, source_addr_npi => 0, source_addr => $source,
                               dest_flag => \@flag, dest_addr_ton => \@ton, dest_addr_npi => \@npi, destination_addr => \@addr,
                               data_coding => 8, short_message => encode('UTF-16BE', decode('UTF-8', $text)))
    or do { print "RESULT status=no_answer\n"; exit 1 };
my @un;
for my $i (0 .. ($resp->{no_unsuccess} // 0) - 1) {
    push @un, sprintf('%s/0x%08x', $resp->{destination_addr}[$i], $resp->{error_status_code}[$i]);
}
printf "RESULT status=0x%08x message_id=%s no_unsuccess=%d unsuccess=%s\n", $resp->{status}, $resp->{message_id} // '', $resp->{no_unsuccess} // 0, join(',', @un);
$smpp->unbind();
exit 0;
