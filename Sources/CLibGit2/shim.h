#ifndef CRONICLE_CLIBGIT2_SHIM_H
#define CRONICLE_CLIBGIT2_SHIM_H

#include <git2.h>

/// libgit2 refuses repositories owned by another user ("safe.directory"), which is
/// every cache folder a service user reads. `git_libgit2_opts` is variadic and Swift
/// cannot call it, so the switch is wrapped here.
static inline int cronicle_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

#endif
