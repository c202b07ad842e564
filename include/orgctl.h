/* liborgctl: configuration-as-code for contact-center organisations. */
#ifndef ORGCTL_H
#define ORGCTL_H

#include "orgctl/authz.h"
#include "orgctl/bulk.h"
#include "orgctl/campaign_load.h"
#include "orgctl/campaign_stats.h"
#include "orgctl/capacity.h"
#include "orgctl/changeset.h"
#include "orgctl/check.h"
#include "orgctl/csv.h"
#include "orgctl/errors.h"
#include "orgctl/history.h"
#include "orgctl/json.h"
#include "orgctl/kind.h"
#include "orgctl/object.h"
#include "orgctl/op.h"
#include "orgctl/org.h"
#include "orgctl/password.h"
#include "orgctl/perm.h"
#include "orgctl/repo.h"
#include "orgctl/role.h"
#include "orgctl/settings.h"
#include "orgctl/version.h"

#endif
