/* Prints the operation table as the library holds it, row by row with every field and
 * parameter, for tests/cli/t9200-ops-surface.sh to compare with the table main had before
 * it was made from the kinds' descriptors. A row's function is named when it is one of the
 * generic verbs (lib/kinds/ops.h), else "own". */
#include <stdio.h>

#include "ops.h"

static const char *run_name(int (*run)(orgctl_op_ctx *))
{
    static const struct {
        int (*run)(orgctl_op_ctx *);
        const char *name;
    } generic[] = {
        {orgctl_generic_create, "orgctl_generic_create"},
        {orgctl_generic_list, "orgctl_generic_list"},
        {orgctl_generic_show, "orgctl_generic_show"},
        {orgctl_generic_update, "orgctl_generic_update"},
        {orgctl_generic_rm, "orgctl_generic_rm"},
        {orgctl_generic_copy, "orgctl_generic_copy"},
        {orgctl_generic_enable, "orgctl_generic_enable"},
        {orgctl_generic_disable, "orgctl_generic_disable"},
        {orgctl_generic_ref_add, "orgctl_generic_ref_add"},
        {orgctl_generic_ref_rm, "orgctl_generic_ref_rm"},
        {orgctl_generic_level_set, "orgctl_generic_level_set"},
    };
    for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
        if (generic[i].run == run)
            return generic[i].name;
    return "own";
}

static const char *or_null(const char *s)
{
    return s ? s : "(null)";
}

int main(void)
{
    for (const orgctl_op *const *o = orgctl_ops(); *o; o++) {
        const orgctl_op *op = *o;
        printf("%s|%s|%s|%u|%s|%s|%s|%s\n", op->kind, op->verb, op->summary, op->flags,
               or_null(op->permission), run_name(op->run), or_null(op->object),
               or_null(op->columns));
        for (const orgctl_param *p = op->params; p && p->name; p++)
            printf("  %s|%u|%s|%s\n", p->name, p->flags, or_null(p->metavar), or_null(p->help));
    }
    return 0;
}
