/* Times one operation inside a process, without the cost of starting one: opens the
 * repository once, then runs the operation RUNS times and renders its result as
 * canonical JSON (what -o json prints), and prints the median in milliseconds.
 *   time-op REPO ORG RUNS KIND VERB [NAME|-] [PARAM=VALUE]...
 * e.g. time-op repo acme 50 user can hub permission=outbound:campaign:view */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "orgctl.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: time-op REPO ORG RUNS KIND VERB [NAME|-] [PARAM=VALUE]...\n");
        return 2;
    }
    int runs = atoi(argv[3]);
    const orgctl_op *op = orgctl_op_lookup(argv[4], argv[5]);
    if (!op || runs < 1) {
        fprintf(stderr, "time-op: no operation \"%s %s\"\n", argv[4], argv[5]);
        return 2;
    }
    const char *name = argc > 6 && strcmp(argv[6], "-") != 0 ? argv[6] : NULL;
    orgctl_params *params = orgctl_params_new();
    for (int i = 7; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq)
            return 2;
        *eq = '\0';
        orgctl_params_add(params, argv[i], eq + 1);
    }
    orgctl_repo *repo = NULL;
    double t0 = now_ms();
    if (orgctl_repo_open(&repo, argv[1], ORGCTL_OPEN_READ) < 0 ||
        orgctl_repo_set_actor(repo, NULL) < 0) {
        fprintf(stderr, "time-op: %s\n", orgctl_error_last());
        return 1;
    }
    double open_ms = now_ms() - t0;
    double *t = calloc((size_t)runs, sizeof(*t));
    size_t bytes = 0;
    for (int i = 0; i < runs; i++) {
        orgctl_op_ctx ctx = {op, repo, NULL, argv[2], name, params, NULL, NULL};
        double s = now_ms();
        if (orgctl_op_run(&ctx) < 0) {
            fprintf(stderr, "time-op: %s\n", orgctl_error_last());
            return 1;
        }
        char *json = orgctl_json_canonical(ctx.result);
        t[i] = now_ms() - s;
        bytes = strlen(json);
        free(json);
        orgctl_op_ctx_clear(&ctx);
    }
    qsort(t, (size_t)runs, sizeof(*t), cmp_double);
    printf("%.3f %.3f %zu\n", t[(runs - 1) / 2], open_ms, bytes);
    free(t);
    orgctl_params_free(params);
    orgctl_repo_free(repo);
    return 0;
}
