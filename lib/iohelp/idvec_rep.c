/* idvecs as text, for ps, ids and the like. */
#include <idvec.h>

#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing string. */
struct text {
	char *s;
	size_t len, cap;
};

static bool
text_add(struct text *t, const char *piece)
{
	size_t n = strlen(piece);

	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;
		char *s = realloc(t->s, cap);

		if (!s)
			return false;
		t->s = s;
		t->cap = cap;
	}
	memcpy(t->s + t->len, piece, n + 1);
	t->len += n;
	return true;
}

char *
idvec_rep(const struct idvec *idvec, int show_values, int show_names,
	  char *(*id_name_fn)(uid_t id), const char *sep)
{
	struct text t = { NULL, 0, 0 };
	char value[16];

	if (!sep)
		sep = ",";
	if (!text_add(&t, ""))
		return NULL;
	for (unsigned i = 0; i < idvec->num; i++) {
		uid_t id = idvec->ids[i];
		char *name = show_names && id_name_fn ? id_name_fn(id) : NULL;
		bool ok = i == 0 || text_add(&t, sep);

		snprintf(value, sizeof value, "%d", (int) id);
		if (ok && (show_values || !name))
			ok = text_add(&t, value);
		if (ok && name)
			ok = (!show_values || text_add(&t, "(")) && text_add(&t, name) &&
			     (!show_values || text_add(&t, ")"));
		free(name);
		if (!ok) {
			free(t.s);
			return NULL;
		}
	}
	return t.s;
}

static char *
user_name(uid_t id)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (getpwuid_r(id, &pw, buf, sizeof buf, &res) != 0 || !res)
		return NULL;
	return strdup(res->pw_name);
}

static char *
group_name(uid_t id)
{
	struct group gr, *res = NULL;
	char buf[1024];

	if (getgrgid_r((gid_t) id, &gr, buf, sizeof buf, &res) != 0 || !res)
		return NULL;
	return strdup(res->gr_name);
}

char *
idvec_uids_rep(const struct idvec *idvec, int show_values, int show_names, const char *sep)
{
	return idvec_rep(idvec, show_values, show_names, user_name, sep);
}

char *
idvec_gids_rep(const struct idvec *idvec, int show_values, int show_names, const char *sep)
{
	return idvec_rep(idvec, show_values, show_names, group_name, sep);
}
