/* The one option parser: every command's options (its own table, or for a kind's verbs
 * the table opcmd.c builds from the operation's parameters) and the global options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_parse(struct cli *cli, const char *command, int argc, char **argv,
              const struct cli_flag *flags, const char **pos, int min_pos, int max_pos, int *npos)
{
    int error = 0;
    bool options_done = false;
    *npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--") == 0) { /* what follows is no option */
            options_done = true;
            continue;
        }
        if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
            if (*npos >= max_pos)
                return cli_usage("%s: unexpected argument \"%s\"", command, a);
            pos[(*npos)++] = a;
            continue;
        }
        const struct cli_flag *f = flags;
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        /* "-n5": a one-letter option with its value attached */
        if (a[1] != '-' && len > 2 && !eq) {
            len = 2;
            eq = a + 1; /* the value starts right after the letter */
        }
        while (f && f->name && !(strlen(f->name) == len && strncmp(f->name, a, len) == 0))
            f++;
        if ((!f || !f->name) && cli_global_option(cli, argc, argv, &i, &error)) {
            if (error)
                return error;
            continue;
        }
        if (!f || !f->name) {
            const char *names[32];
            int n = 0;
            for (const struct cli_flag *g = flags; g && g->name && n < 31; g++)
                names[n++] = g->name;
            names[n] = NULL;
            const char *s = cli_suggest(a, names);
            return s ? cli_usage("%s: unknown option \"%s\" (did you mean \"%s\"?)", command, a, s)
                     : cli_usage("%s: unknown option \"%s\" (see \"orgctl %s --help\")", command, a,
                                 command);
        }
        if (*f->value && !f->list)
            return cli_usage("%s: option %s is given twice", command, f->name);
        if (!f->takes_value) {
            *f->value = "1";
        } else if (eq) {
            *f->value = eq + 1;
        } else if (i + 1 < argc) {
            *f->value = argv[++i];
        } else {
            return cli_usage("%s: option %s needs a value (%s)", command, f->name,
                             f->metavar ? f->metavar : "a value");
        }
        if (f->list) {
            f->list->v = realloc(f->list->v, (f->list->n + 1) * sizeof(*f->list->v));
            f->list->v[f->list->n++] = *f->value;
        }
    }
    if (!cli->help && *npos < min_pos)
        return cli_usage("%s: missing argument (see \"orgctl %s --help\")", command, command);
    return 0;
}

bool cli_plain_number(const char *s, bool fraction, double max, double *out)
{
    const char *p = s;
    size_t digits = strspn(p, "0123456789");
    p += digits;
    if (fraction && *p == '.' && digits > 0 && p[1] >= '0' && p[1] <= '9')
        p += 1 + strspn(p + 1, "0123456789");
    if (digits == 0 || digits > 15 || *p) /* no sign, space, exponent, hex or junk */
        return false;
    double v = strtod(s, NULL);
    if (v > max)
        return false;
    *out = v;
    return true;
}
