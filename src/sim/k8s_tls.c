/* k8s_tls.c: what fleetsim --k8s needs to be trusted: a CA made at start and
 * a server certificate it signs for 127.0.0.1 (kubectl sends a bearer token
 * over TLS only), and a kubeconfig naming a context a region. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

static char *
pem_of_key(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out = NULL;
	long n;

	if (PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) == 1 &&
	    (n = BIO_get_mem_data(b, &p)) > 0)
		out = xstrndup(p, (size_t)n);
	BIO_free(b);
	return out;
}

static char *
pem_of_cert(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out = NULL;
	long n;

	if (PEM_write_bio_X509(b, x) == 1 && (n = BIO_get_mem_data(b, &p)) > 0)
		out = xstrndup(p, (size_t)n);
	BIO_free(b);
	return out;
}

static int
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (e == NULL)
		return -1;
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return 0;
}

enum cert_kind { CERT_SERVER, CERT_CA, CERT_CLIENT };

/* A certificate for key, named cn, signed by issuer's key (itself when
 * issuer is NULL), valid from an hour ago for a year. */
static X509 *
make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key, enum cert_kind kind)
{
	int ca = kind == CERT_CA;

	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	unsigned char serial[16];
	BIGNUM *bn;

	X509_set_version(x, 2);
	RAND_bytes(serial, sizeof serial);
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof serial, NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	X509_NAME_free(name);
	if (ca) {
		if (add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") < 0 ||
		    add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature") <
		        0 ||
		    add_ext(x, x, NID_subject_key_identifier, "hash") < 0)
			goto fail;
	} else if (kind == CERT_CLIENT) {
		/* A user's, as kubeadm makes them: the CN is the user name. */
		if (add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
		    add_ext(x, issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment") <
		        0 ||
		    add_ext(x, issuer, NID_ext_key_usage, "clientAuth") < 0 ||
		    add_ext(x, issuer, NID_authority_key_identifier, "keyid:always") < 0)
			goto fail;
	} else if (add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
	           add_ext(x, issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment") <
	               0 ||
	           add_ext(x, issuer, NID_ext_key_usage, "serverAuth") < 0 ||
	           add_ext(x, issuer, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") < 0 ||
	           add_ext(x, issuer, NID_authority_key_identifier, "keyid:always") < 0) {
		goto fail;
	}
	if (X509_sign(x, issuer_key, EVP_sha256()) <= 0)
		goto fail;
	return x;
fail:
	X509_free(x);
	return NULL;
}

int
k8s_tls_make(struct k8s_front *k)
{
	EVP_PKEY *ca_key = EVP_EC_gen("P-256"), *key = EVP_EC_gen("P-256");
	EVP_PKEY *ckey = EVP_EC_gen("P-256");
	X509 *ca = NULL, *cert = NULL, *client = NULL;
	int rc = -1;

	if (ca_key == NULL || key == NULL || ckey == NULL)
		goto out;
	ca = make_cert(ca_key, "fleetsim-ca", NULL, ca_key, CERT_CA);
	if (ca == NULL)
		goto out;
	cert = make_cert(key, "fleetsim-apiserver", ca, ca_key, CERT_SERVER);
	if (cert == NULL)
		goto out;
	client = make_cert(ckey, "fleetsim-cert-user", ca, ca_key, CERT_CLIENT);
	if (client == NULL)
		goto out;
	k->ca_pem = pem_of_cert(ca);
	k->cert_pem = pem_of_cert(cert);
	k->key_pem = pem_of_key(key);
	k->client_cert_pem = pem_of_cert(client);
	k->client_key_pem = pem_of_key(ckey);
	if (k->ca_pem && k->cert_pem && k->key_pem && k->client_cert_pem && k->client_key_pem)
		rc = 0;
out:
	X509_free(ca);
	X509_free(cert);
	X509_free(client);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ckey);
	if (rc < 0)
		return fm_error(FM_EIO,
		                "cannot make the Kubernetes front's certificates (OpenSSL)");
	return 0;
}

int
k8s_tls_trust_ca(struct k8s_front *k, void *ssl_ctx)
{
	BIO *b = BIO_new_mem_buf(k->ca_pem, -1);
	X509 *ca = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	int ok = ca != NULL && X509_STORE_add_cert(SSL_CTX_get_cert_store(ssl_ctx), ca) == 1;

	X509_free(ca);
	BIO_free(b);
	return ok ? 0 : fm_error(FM_EIO, "cannot trust the Kubernetes front's CA (OpenSSL)");
}

/* A YAML double-quoted scalar. */
static void
yaml_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/* base64 of a PEM, for a kubeconfig's -data. Caller frees. */
static char *
b64_of(const char *pem)
{
	size_t len = strlen(pem);
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)pem, (int)len);
	return out;
}

/* A kubeconfig: a cluster, a user and a context a region, named
 * fleetsim-REGION; the first region's is the current one. */
int
k8s_kubeconfig_write(struct sim *s, const char *path)
{
	struct buf b, ca;
	int fd;
	ssize_t n;
	char *b64;
	size_t len = strlen(s->k8s.ca_pem);

	buf_init(&b);
	buf_init(&ca);
	b64 = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)s->k8s.ca_pem, (int)len);
	buf_puts(&b, "apiVersion: v1\nkind: Config\npreferences: {}\nclusters:\n");
	for (size_t i = 0; i < s->fleet.nregions; i++) {
		const char *r = s->fleet.regions[i].id;

		buf_printf(&b, "- name: fleetsim-%s\n  cluster:\n    server: ", r);
		{
			char *url = xasprintf("https://127.0.0.1:%d/clusters/%s", s->k8s.port, r);

			yaml_str(&b, url);
			free(url);
		}
		buf_printf(&b, "\n    certificate-authority-data: %s\n", b64);
	}
	buf_puts(&b, "users:\n- name: fleetsim\n  user:\n    token: ");
	yaml_str(&b, s->k8s.token);
	/* A second user, signing in with a client certificate (no context
	 * uses it: point one at it to try). */
	{
		char *c64 = b64_of(s->k8s.client_cert_pem), *k64 = b64_of(s->k8s.client_key_pem);

		buf_printf(&b,
		           "\n- name: fleetsim-cert\n  user:\n    client-certificate-data: %s\n"
		           "    client-key-data: %s",
		           c64, k64);
		free(c64);
		free(k64);
	}
	buf_puts(&b, "\ncontexts:\n");
	for (size_t i = 0; i < s->fleet.nregions; i++) {
		const char *r = s->fleet.regions[i].id;

		buf_printf(&b,
		           "- name: fleetsim-%s\n  context:\n    cluster: fleetsim-%s\n    user: "
		           "fleetsim\n",
		           r, r);
		/* The namespace of the region's first group, else "default". */
		for (size_t j = 0; j < s->fleet.ngroups; j++)
			if (strcmp(s->fleet.groups[j].region, r) == 0) {
				buf_puts(&b, "    namespace: ");
				yaml_str(&b, s->fleet.groups[j].k8s_namespace);
				buf_putc(&b, '\n');
				break;
			}
	}
	if (s->fleet.nregions > 0)
		buf_printf(&b, "current-context: fleetsim-%s\n", s->fleet.regions[0].id);
	free(b64);
	buf_free(&ca);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		buf_free(&b);
		return fm_error(FM_EIO, "cannot write %s: %s", path, strerror(errno));
	}
	n = write(fd, b.data, b.len);
	close(fd);
	if (n != (ssize_t)b.len) {
		buf_free(&b);
		return fm_error(FM_EIO, "cannot write %s", path);
	}
	buf_free(&b);
	return 0;
}
