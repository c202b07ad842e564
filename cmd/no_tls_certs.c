/* The orgctl command opens local repositories only: it never speaks TLS through libgit2.
 * Debian's libgit2 (built with mbedTLS) still parses the system's whole CA bundle in
 * git_libgit2_init - 8 ms of every command that writes, a sixth of `suppress add`.
 *
 * The command defines the two mbedTLS functions that load certificates, and exports them
 * (cmd/meson.build): symbols of the executable come first when the dynamic linker binds
 * libgit2 as it is loaded (lib/store/git_load.c), so libgit2's CA chain stays empty and
 * loads nothing. An empty chain fails closed: a TLS connection would find no trusted
 * certificate and be refused, never accepted unverified. Only this program is affected;
 * liborgctl does not define them, so a program linking the library keeps its own. */
#include <stddef.h>

struct mbedtls_x509_crt;

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);
int mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path);

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
    (void)chain;
    (void)path;
    return 0; /* no certificate read, none refused */
}

int mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path)
{
    (void)chain;
    (void)path;
    return 0;
}
