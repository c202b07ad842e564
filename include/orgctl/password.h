/* Passwords: read from a file or stdin (never from argv), checked against the password
 * policy in force in the org, stored only as a crypt(3) yescrypt hash.
 *
 * The policy is settings (orgctl/settings.h): the org's, tightened by the enterprise's
 * (orgctl org update ORG --setting KEY=VALUE):
 *   password.min_length   fewest characters (default 8)
 *   password.max_length   most characters (default 256)
 *   password.min_classes  fewest kinds of character among lower case, upper case, digits
 *                         and others (default 1)
 * and a password never contains the user's name or equals their e-mail address. */
#ifndef ORGCTL_PASSWORD_H
#define ORGCTL_PASSWORD_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#include "orgctl/repo.h"

/* Reads a password: the first line of `f` without its line end. ORGCTL_EINVALID when it
 * is empty, longer than 4096 bytes, or followed by more text. *out is malloc'd; free it
 * with orgctl_password_free. */
int orgctl_password_read(FILE *f, char **out);

/* Wipes and frees a password. NULL is a no-op. */
void orgctl_password_free(char *password);

/* Checks `password` for the user object `user` against the policy of `org`;
 * ORGCTL_EINVALID with a message saying which rule it breaks (never the password). */
int orgctl_password_check(orgctl_repo *repo, const char *org, const cJSON *user,
                          const char *password);

/* Hashes `password` with yescrypt and a fresh random salt; *hash ("$y$...") is
 * malloc'd, caller frees. */
int orgctl_password_hash(const char *password, char **hash);

/* True when `hash` is a well-formed yescrypt hash, as orgctl_password_hash makes them:
 * "$y$" PARAMS "$" SALT "$" HASH, each in crypt(3)'s alphabet [./0-9A-Za-z], HASH of
 * 43 characters. Any other scheme ("$1$" MD5-crypt, "$6$" SHA-512-crypt, DES) is not. */
bool orgctl_password_hash_valid(const char *hash);

/* True when `password` matches the crypt(3) `hash`. */
bool orgctl_password_verify(const char *password, const char *hash);

#endif
