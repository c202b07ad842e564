/* Passwords: reading, the org's policy, and yescrypt hashing through libcrypt. */
#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "internal.h"
#include "orgctl/object.h"
#include "orgctl/password.h"
#include "orgctl/settings.h"
#include "utf8.h"

#define PASSWORD_MAX_BYTES 4096

int orgctl_password_read(FILE *f, char **out)
{
    /* The first line only, so that a person typing at a terminal ends with Enter. */
    char *buf = xcalloc(1, PASSWORD_MAX_BYTES + 2);
    size_t len = 0;
    int c = EOF, error = 0;
    *out = NULL;
    while (len <= PASSWORD_MAX_BYTES && (c = getc(f)) != EOF && c != '\n')
        buf[len++] = (char)c;
    if (ferror(f))
        error = orgctl_error_set(ORGCTL_ERROR, "cannot read the password: %s", strerror(errno));
    else if (len > PASSWORD_MAX_BYTES)
        error = orgctl_error_set(ORGCTL_EINVALID, "the password is longer than %d bytes",
                                 PASSWORD_MAX_BYTES);
    else if (c == '\n' && !isatty(fileno(f)) && (c = getc(f)) != EOF)
        error = orgctl_error_set(ORGCTL_EINVALID, "the password input has more than one line");
    if (!error && len > 0 && buf[len - 1] == '\r')
        buf[--len] = '\0';
    if (!error && memchr(buf, '\0', len))
        error = orgctl_error_set(ORGCTL_EINVALID, "the password contains a NUL byte");
    if (!error && !orgctl_utf8_valid(buf, len)) /* its length is counted in characters */
        error = orgctl_error_set(ORGCTL_EINVALID, "the password is not valid UTF-8");
    if (!error && len == 0)
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "no password given: write it to standard input or give "
                                 "--password-file FILE");
    if (error) {
        explicit_bzero(buf, PASSWORD_MAX_BYTES + 2);
        free(buf);
        return error;
    }
    *out = buf;
    return 0;
}

void orgctl_password_free(char *password)
{
    if (!password)
        return;
    explicit_bzero(password, strlen(password));
    free(password);
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static int char_classes(const char *s)
{
    bool lower = false, upper = false, digit = false, other = false;
    for (; *s; s++) {
        if (*s >= 'a' && *s <= 'z')
            lower = true;
        else if (*s >= 'A' && *s <= 'Z')
            upper = true;
        else if (*s >= '0' && *s <= '9')
            digit = true;
        else
            other = true;
    }
    return lower + upper + digit + other;
}

int orgctl_password_check(orgctl_repo *repo, const char *org, const cJSON *user,
                          const char *password)
{
    /* The policy in force: the org's, tightened by the enterprise's (orgctl/settings.h). */
    cJSON *policy = NULL;
    int error = orgctl_settings_show(repo, org, &policy);
    if (error < 0)
        return error;
    int min_len = orgctl_settings_int(policy, "password.min_length");
    int max_len = orgctl_settings_int(policy, "password.max_length");
    int min_classes = orgctl_settings_int(policy, "password.min_classes");
    cJSON_Delete(policy);
    size_t len = utf8_chars(password);
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(user, "name"));
    const char *email = cJSON_GetStringValue(cJSON_GetObjectItem(user, "email"));
    if (len < (size_t)min_len)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "the password has %zu characters; the policy of org \"%s\" "
                                "wants at least %d (password.min_length)",
                                len, org, min_len);
    if (len > (size_t)max_len)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "the password has %zu characters; the policy of org \"%s\" "
                                "allows at most %d (password.max_length)",
                                len, org, max_len);
    if (char_classes(password) < min_classes)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "the password mixes %d kinds of character; the policy of org "
                                "\"%s\" wants %d of lower case, upper case, digits and others "
                                "(password.min_classes)",
                                char_classes(password), org, min_classes);
    if (name && strcasestr(password, name))
        return orgctl_error_set(ORGCTL_EINVALID, "the password contains the user name");
    if (email && strcasecmp(password, email) == 0)
        return orgctl_error_set(ORGCTL_EINVALID, "the password is the user's e-mail address");
    return 0;
}

int orgctl_password_hash(const char *password, char **hash)
{
    *hash = NULL;
    char *setting = crypt_gensalt_ra("$y$", 0, NULL, 0);
    if (!setting)
        return orgctl_error_set(ORGCTL_ERROR, "cannot make a yescrypt salt (libcrypt)");
    void *data = NULL;
    int size = 0;
    const char *h = crypt_ra(password, setting, &data, &size);
    int error = 0;
    if (!h || h[0] == '*')
        error = orgctl_error_set(ORGCTL_ERROR, "cannot hash the password (libcrypt)");
    else
        *hash = xstrdup(h);
    if (data)
        explicit_bzero(data, (size_t)size);
    free(data);
    free(setting);
    return error;
}

/* The length of the run of crypt(3)'s base-64 characters at s. */
static size_t itoa64_run(const char *s)
{
    return strspn(s, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}

bool orgctl_password_hash_valid(const char *hash)
{
    if (!hash || strncmp(hash, "$y$", 3) != 0)
        return false;
    const char *p = hash + 3;
    size_t params = itoa64_run(p);
    if (params == 0 || params > 32 || p[params] != '$')
        return false;
    p += params + 1;
    size_t salt = itoa64_run(p);
    if (salt == 0 || salt > 86 || p[salt] != '$')
        return false;
    p += salt + 1;
    return itoa64_run(p) == 43 && p[43] == '\0';
}

bool orgctl_password_verify(const char *password, const char *hash)
{
    void *data = NULL;
    int size = 0;
    const char *h = crypt_ra(password, hash, &data, &size);
    bool ok = h && h[0] != '*' && strcmp(h, hash) == 0;
    if (data)
        explicit_bzero(data, (size_t)size);
    free(data);
    return ok;
}
