#!/bin/sh
# Regenerates the HTTPS test certificates in this folder: a test CA and two server certificates
# it signs, valid for 100 years. The CA's private key is thrown away afterwards, so nothing can
# be signed with it later; rerun this script to change any certificate (all are replaced).
#
#   test-ca.pem                           the CA (what a test's ca_file names)
#   localhost-cert.pem, localhost-key.pem  server certificate for DNS:localhost and IP:127.0.0.1
#   wrong-name-cert.pem, wrong-name-key.pem  server certificate for DNS:wrong.example only
set -eu

cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

days=36500

openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -sha256 \
  -subj "/O=ytpipe tests/CN=ytpipe test CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout "$work/ca-key.pem" -out test-ca.pem

# issue NAME SUBJECT_ALT_NAMES: a key and a CA-signed server certificate NAME-cert.pem
issue() {
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/O=ytpipe tests/CN=$2" \
    -keyout "$1-key.pem" -out "$work/$1.csr"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth" \
    "subjectAltName=$3" >"$work/$1.ext"
  openssl x509 -req -in "$work/$1.csr" -CA test-ca.pem -CAkey "$work/ca-key.pem" \
    -CAcreateserial -CAserial "$work/ca.srl" -days "$days" -sha256 \
    -extfile "$work/$1.ext" -out "$1-cert.pem"
}

issue localhost localhost "DNS:localhost,IP:127.0.0.1"
issue wrong-name wrong.example "DNS:wrong.example"

chmod 644 ./*.pem
