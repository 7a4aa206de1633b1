// Generates or loads the DTLS certificate (OpenSSL 3) and computes its fingerprints.
#include "server/webrtc/dtls_certificate.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace liverelay::webrtc {

namespace {

constexpr long kValiditySeconds = 30L * 24 * 60 * 60;
constexpr int kSerialBits = 64;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct BignumFree {
  void operator()(BIGNUM* bignum) const { BN_free(bignum); }
};
struct NameFree {
  void operator()(X509_NAME* name) const { X509_NAME_free(name); }
};

Result<void> fill_certificate(X509* certificate, EVP_PKEY* key) {
  std::unique_ptr<BIGNUM, BignumFree> serial(BN_new());
  if (!serial || BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate)) == nullptr) {
    return fail(Errc::io, take_openssl_errors("random serial"));
  }
  std::unique_ptr<X509_NAME, NameFree> name(X509_NAME_new());
  const auto* common_name = reinterpret_cast<const unsigned char*>("liverelay");
  if (!name || X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_ASC, common_name, -1, -1, 0) != 1 ||
      X509_set_version(certificate, X509_VERSION_3) != 1 ||
      X509_set_subject_name(certificate, name.get()) != 1 ||
      X509_set_issuer_name(certificate, name.get()) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(certificate), 0) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(certificate), kValiditySeconds) == nullptr ||
      X509_set_pubkey(certificate, key) != 1 || X509_sign(certificate, key, EVP_sha256()) == 0) {
    return fail(Errc::io, take_openssl_errors("build certificate"));
  }
  return {};
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail(Errc::io, "cannot open " + path);
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return fail(Errc::io, "cannot read " + path);
  return text.str();
}

}  // namespace

void DtlsCertificate::X509Free::operator()(X509* certificate) const {
  X509_free(certificate);
}
void DtlsCertificate::KeyFree::operator()(EVP_PKEY* key) const {
  EVP_PKEY_free(key);
}

DtlsCertificate::DtlsCertificate(X509* certificate, EVP_PKEY* key) : certificate_(certificate), key_(key) {
  // Only fails for an unknown digest name, and "sha-256" is known.
  fingerprint_sha256_ = format_fingerprint(*certificate_digest(certificate, "sha-256"));
}

Result<DtlsCertificate> DtlsCertificate::generate() {
  ERR_clear_error();
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return fail(Errc::io, take_openssl_errors("P-256 key generation failed"));
  std::unique_ptr<X509, X509Free> certificate(X509_new());
  if (!certificate) return fail(Errc::io, take_openssl_errors("X509_new failed"));
  if (auto filled = fill_certificate(certificate.get(), key.get()); !filled) {
    return tl::unexpected(std::move(filled.error()).context("DTLS certificate"));
  }
  return DtlsCertificate(certificate.release(), key.release());
}

Result<DtlsCertificate> DtlsCertificate::from_pem(std::string_view certificate_pem,
                                                  std::string_view key_pem) {
  ERR_clear_error();
  std::unique_ptr<BIO, BioFree> certificate_bio(
      BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())));
  std::unique_ptr<BIO, BioFree> key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  if (!certificate_bio || !key_bio) return fail(Errc::io, take_openssl_errors("BIO_new_mem_buf failed"));
  std::unique_ptr<X509, X509Free> certificate(
      PEM_read_bio_X509(certificate_bio.get(), nullptr, nullptr, nullptr));
  if (!certificate) return fail(Errc::malformed, take_openssl_errors("no PEM certificate"));
  std::unique_ptr<EVP_PKEY, KeyFree> key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!key) return fail(Errc::malformed, take_openssl_errors("no PEM private key"));
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    return fail(Errc::malformed, take_openssl_errors("the private key is not the certificate's"));
  }
  return DtlsCertificate(certificate.release(), key.release());
}

Result<DtlsCertificate> DtlsCertificate::load_pem_files(const std::string& certificate_path,
                                                        const std::string& key_path) {
  auto certificate_pem = read_file(certificate_path);
  if (!certificate_pem) return tl::unexpected(certificate_pem.error().context("DTLS certificate"));
  auto key_pem = read_file(key_path);
  if (!key_pem) return tl::unexpected(key_pem.error().context("DTLS key"));
  auto loaded = from_pem(*certificate_pem, *key_pem);
  if (!loaded) return tl::unexpected(loaded.error().context(certificate_path));
  return loaded;
}

Result<std::vector<uint8_t>> certificate_digest(X509* certificate, std::string_view algorithm) {
  std::string name(algorithm);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const EVP_MD* digest = nullptr;
  if (name == "sha-1") digest = EVP_sha1();
  if (name == "sha-256") digest = EVP_sha256();
  if (name == "sha-384") digest = EVP_sha384();
  if (name == "sha-512") digest = EVP_sha512();
  if (digest == nullptr) return fail(Errc::unsupported, "fingerprint hash function " + name);
  std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int length = 0;
  if (X509_digest(certificate, digest, out.data(), &length) != 1) {
    return fail(Errc::io, take_openssl_errors("X509_digest failed"));
  }
  out.resize(length);
  return out;
}

std::string format_fingerprint(std::span<const uint8_t> digest) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string text;
  text.reserve(digest.size() * 3);
  for (const uint8_t byte : digest) {
    if (!text.empty()) text += ':';
    text += kHex[byte >> 4];
    text += kHex[byte & 0x0f];
  }
  return text;
}

std::string take_openssl_errors(std::string_view what) {
  std::string text(what);
  bool first = true;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    text += first ? ": " : "; ";
    text += buffer;
    first = false;
  }
  return text;
}

}  // namespace liverelay::webrtc
