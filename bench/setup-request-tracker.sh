#!/usr/bin/env bash
# Installs Request Tracker 5 from Debian with its SQLite database, for the side-by-side ingest
# benchmark (npm run bench -- --targets guichet,request-tracker). Run as root (or with sudo).
# What it changes on this machine: the packages, one file in /etc/request-tracker5/RT_SiteConfig.d/
# (outgoing mail to a file; database path overridable by GUICHET_RT_DB for a fresh copy per run),
# and the rights CreateTicket/ReplyToTicket/SeeQueue for Everyone on the General queue, so mail
# from unknown customers opens tickets as it does in Guichet.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v rt-mailgate >/dev/null || [ ! -x /usr/share/request-tracker5/libexec/rt-server ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends request-tracker5 rt5-db-sqlite rt5-clients >/dev/null
fi
cat > /etc/request-tracker5/RT_SiteConfig.d/90-guichet-bench.pm <<'PERL'
# Written by Guichet's bench/setup-request-tracker.sh.
Set($MailCommand, 'testfile');
Set($DatabaseName, $ENV{GUICHET_RT_DB}) if $ENV{GUICHET_RT_DB};
1;
PERL
perl -I/usr/share/request-tracker5/lib -e '
  use RT; RT::LoadConfig(); RT::Init();
  my $everyone = RT::Group->new(RT->SystemUser); $everyone->LoadSystemInternalGroup("Everyone");
  my $queue = RT::Queue->new(RT->SystemUser); $queue->Load("General");
  for my $right (qw(CreateTicket ReplyToTicket SeeQueue)) {
    my ($ok, $message) = $everyone->PrincipalObj->GrantRight(Right => $right, Object => $queue);
    print "$right: $message\n";
  }'
echo "Request Tracker ready; database template: /var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb"
