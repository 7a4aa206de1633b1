// DtlsCertificate: generated and loaded certificates, and the SDP fingerprint format.
#include "server/webrtc/dtls_certificate.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>

using namespace liverelay;
using namespace liverelay::webrtc;

namespace {

std::string to_pem(const DtlsCertificate& certificate, bool key) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (key) {
    PEM_write_bio_PrivateKey(bio, certificate.private_key(), nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_X509(bio, certificate.x509());
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  return pem;
}

// Seconds from now to an ASN1 time (negative in the past).
long seconds_from_now(const ASN1_TIME* time) {
  int days = 0;
  int seconds = 0;
  ASN1_TIME_diff(&days, &seconds, nullptr, time);
  return days * 86400L + seconds;
}

struct CertificateDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("liverelay_cert_test_" + std::to_string(::getpid()) + "_" + std::to_string(std::rand()));
  CertificateDir() { std::filesystem::create_directories(path); }
  ~CertificateDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
};

}  // namespace

TEST_CASE("a generated DTLS certificate is a self-signed P-256 one for liverelay, valid for 30 days") {
  const auto certificate = DtlsCertificate::generate();
  REQUIRE(certificate);
  X509* x509 = certificate->x509();

  char common_name[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(x509), NID_commonName, common_name, sizeof common_name);
  CHECK(std::string(common_name) == "liverelay");
  CHECK(X509_NAME_cmp(X509_get_subject_name(x509), X509_get_issuer_name(x509)) == 0);
  CHECK(X509_verify(x509, certificate->private_key()) == 1);
  CHECK(EVP_PKEY_is_a(certificate->private_key(), "EC"));
  char group[32] = {};
  EVP_PKEY_get_group_name(certificate->private_key(), group, sizeof group, nullptr);
  CHECK(std::string(group) == "prime256v1");
  CHECK(X509_get_signature_nid(x509) == NID_ecdsa_with_SHA256);

  CHECK(std::labs(seconds_from_now(X509_get0_notBefore(x509))) < 60);
  CHECK(std::labs(seconds_from_now(X509_get0_notAfter(x509)) - 30L * 86400) < 60);
}

TEST_CASE("a DTLS certificate's fingerprint is the SHA-256 of its DER in SDP form") {
  const auto certificate = DtlsCertificate::generate();
  REQUIRE(certificate);
  const std::string& fingerprint = certificate->fingerprint_sha256();
  CHECK(std::regex_match(fingerprint, std::regex("([0-9A-F]{2}:){31}[0-9A-F]{2}")));

  unsigned char* der = nullptr;
  const int der_length = i2d_X509(certificate->x509(), &der);
  REQUIRE(der_length > 0);
  unsigned char digest[32];
  unsigned int digest_length = 0;
  EVP_Digest(der, static_cast<size_t>(der_length), digest, &digest_length, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  CHECK(fingerprint == format_fingerprint(std::span<const uint8_t>(digest, digest_length)));
}

TEST_CASE("two generated DTLS certificates differ in key, serial and fingerprint") {
  const auto first = DtlsCertificate::generate();
  const auto second = DtlsCertificate::generate();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->fingerprint_sha256() != second->fingerprint_sha256());
  CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(first->x509()), X509_get0_serialNumber(second->x509())) != 0);
  CHECK(EVP_PKEY_eq(first->private_key(), second->private_key()) != 1);
}

TEST_CASE("a DTLS certificate loaded from PEM files keeps its fingerprint") {
  const auto generated = DtlsCertificate::generate();
  REQUIRE(generated);
  const CertificateDir dir;
  const std::string certificate_path = dir.write("cert.pem", to_pem(*generated, false));
  const std::string key_path = dir.write("key.pem", to_pem(*generated, true));

  const auto loaded = DtlsCertificate::load_pem_files(certificate_path, key_path);

  REQUIRE(loaded);
  CHECK(loaded->fingerprint_sha256() == generated->fingerprint_sha256());
  CHECK(EVP_PKEY_eq(loaded->private_key(), generated->private_key()) == 1);
}

TEST_CASE("loading a DTLS certificate refuses a foreign key, garbage and missing files") {
  const auto first = DtlsCertificate::generate();
  const auto second = DtlsCertificate::generate();
  REQUIRE(first);
  REQUIRE(second);

  const auto foreign = DtlsCertificate::from_pem(to_pem(*first, false), to_pem(*second, true));
  REQUIRE_FALSE(foreign);
  CHECK(foreign.error().code == Errc::malformed);
  CHECK_THAT(foreign.error().message, Catch::Contains("not the certificate's"));

  const auto garbage = DtlsCertificate::from_pem("not a certificate", to_pem(*first, true));
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().code == Errc::malformed);

  const auto missing = DtlsCertificate::load_pem_files("/nonexistent/cert.pem", "/nonexistent/key.pem");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == Errc::io);
  CHECK_THAT(missing.error().message, Catch::Contains("/nonexistent/cert.pem"));
}

TEST_CASE("fingerprints are upper-case hex pairs and digests follow SDP hash names") {
  const std::vector<uint8_t> bytes = {0xab, 0x01, 0xff};
  CHECK(format_fingerprint(bytes) == "AB:01:FF");
  CHECK(format_fingerprint({}).empty());

  const auto certificate = DtlsCertificate::generate();
  REQUIRE(certificate);
  CHECK(certificate_digest(certificate->x509(), "SHA-256")->size() == 32);
  CHECK(certificate_digest(certificate->x509(), "sha-1")->size() == 20);
  CHECK(certificate_digest(certificate->x509(), "sha-512")->size() == 64);
  const auto md5 = certificate_digest(certificate->x509(), "md5");
  REQUIRE_FALSE(md5);
  CHECK(md5.error().code == Errc::unsupported);
}
