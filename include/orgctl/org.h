/* Orgs: shortnames and the enterprise's organisations. The verbs themselves are
 * operations of the table in op.h ("org create", ...). */
#ifndef ORGCTL_ORG_H
#define ORGCTL_ORG_H

#include "orgctl/repo.h"

/* The shortname a company name yields by the seeds' rule: lowercase, spaces and special
 * characters removed except dashes (a leading dash too); if it is taken, a number is
 * appended ("Acme Corp": acmecorp, then acmecorp1). *out is malloc'd. ORGCTL_EINVALID
 * when nothing is left of the name. */
int orgctl_org_shortname(char **out, orgctl_repo *repo, const char *company_name);

/* Checks a shortname given by hand: [a-z0-9-], starting with a letter or digit, at most
 * 63 bytes. */
int orgctl_org_shortname_validate(const char *shortname);

#endif
