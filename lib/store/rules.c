/* The rules of objects the index checks the files of the tree against, registered by the
 * core (lib/store/store.h). */
#include "store.h"

const struct orgctl_object_rules *orgctl_store_object_rules;

void orgctl_store_set_object_rules(const struct orgctl_object_rules *rules)
{
    orgctl_store_object_rules = rules;
}
