/*
 * A SQLite loadable extension for the records' hash chains, inside SQLite: proving a range of a
 * month's links without a value crossing into JavaScript per row (smsguard_chain_links, for
 * `records verify`), and appending a batch of records with their links forged (smsguard_chain_append,
 * for the records writer; at the end of this file). Both render the header line one way, below.
 *
 * smsguard_chain_links (src/store/sqlite/records-links.ts explains why links can be proven in any
 * order, chunk by chunk):
 *
 *   SELECT smsguard_chain_links(:prev, :lo, :hi, seq, id, at, kind, content_provider_id, msisdn, ref,
 *                               port, type, decision, rule, body, hash)
 *     FROM records_YYYY_MM WHERE seq >= :lo AND seq <= :hi
 *
 * Rows arrive in seq order (a rowid range scan). For each row it renders the header line exactly as
 * recordHeader() in src/domain/hash-chain.ts does (JSON.stringify of the eleven columns, then a
 * newline), hashes `prev || header || body` with SHA-256 and compares with the stored hash, which
 * becomes the next row's prev. Returns 0 when every row of lo..hi is proven, else the first seq not
 * proven (the caller then re-checks from there the exact, row-by-row way).
 *
 * It is deliberately conservative: it only proves what it can render with certainty. A value of an
 * unexpected type, an integer JavaScript would print differently (beyond 2^53), a text in the header
 * columns holding a character JSON.stringify escapes or bytes that are not well-formed UTF-8, a body that is not
 * TEXT, a hash that is not 32 bytes, a gap in seq: each ends the proven prefix there. Being wrong in
 * that direction costs only speed; proving a row the exact path would reject is what must never happen.
 *
 * SHA-256 is OpenSSL's: the extension is loaded into a Node.js process, whose binary exports its
 * OpenSSL (the symbols native addons link against), so the symbol is resolved at load time and the
 * hash runs on the same SHA extensions of the CPU as node:crypto. Nothing here re-implements it.
 */
#include <sqlite3ext.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

SQLITE_EXTENSION_INIT1

/*
 * OpenSSL's SHA-256, from the Node.js binary that loads this extension. The low-level calls, not
 * EVP: a one-shot EVP digest looks its algorithm up under a lock on every call, and measured a fifth
 * slower here. SHA256_CTX is OpenSSL's public struct (openssl/sha.h), declared here so that building
 * needs no OpenSSL headers.
 */
typedef struct { unsigned int h[8], Nl, Nh, data[16], num, md_len; } SHA256_CTX;
extern int SHA256_Init(SHA256_CTX *c);
extern int SHA256_Update(SHA256_CTX *c, const void *data, size_t len);
extern int SHA256_Final(unsigned char *md, SHA256_CTX *c);

#define HEADER_COLS 11
#define FIRST 3 /* prev, lo, hi, then the header columns */
#define ARGS (FIRST + HEADER_COLS + 2)
#define MAX_SAFE 9007199254740991LL

/* The header line being rendered (grown as needed). */
typedef struct {
  unsigned char *buf;
  size_t cap;
} Line;

typedef struct {
  int started;
  int failed;            /* 1 once a row was not proven */
  sqlite3_int64 next;    /* the seq expected next */
  sqlite3_int64 hi;      /* the range's last seq */
  sqlite3_int64 bad;     /* the first seq not proven */
  unsigned char prev[32];
  Line line;
} Links;

static int grow(Line *s, size_t need) {
  if (need <= s->cap) return 1;
  size_t cap = s->cap ? s->cap : 4096;
  while (cap < need) cap *= 2;
  unsigned char *b = sqlite3_realloc64(s->buf, cap);
  if (!b) return 0;
  s->buf = b;
  s->cap = cap;
  return 1;
}

/*
 * Whether JSON.stringify writes this UTF-8 text between its quotes unchanged: well-formed UTF-8 (no
 * overlong forms, no surrogates, nothing above U+10FFFF), no control character below 0x20, no quote,
 * no backslash. JSON.stringify escapes exactly those ASCII characters and lone surrogates (which
 * well-formed UTF-8 cannot hold); every other character, Chinese included, it leaves as it is.
 */
static int json_raw(const unsigned char *t, int n) {
  int i = 0;
  while (i < n) {
    unsigned char c = t[i];
    if (c < 0x80) {
      if (c < 0x20 || c == '"' || c == '\\') return 0;
      i++;
      continue;
    }
    int k; /* continuation bytes */
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the first continuation byte */
    if (c >= 0xC2 && c <= 0xDF) k = 1;
    else if (c == 0xE0) { k = 2; lo = 0xA0; }
    else if (c >= 0xE1 && c <= 0xEC) k = 2;
    else if (c == 0xED) { k = 2; hi = 0x9F; } /* U+D800..DFFF are surrogates */
    else if (c >= 0xEE && c <= 0xEF) k = 2;
    else if (c == 0xF0) { k = 3; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) k = 3;
    else if (c == 0xF4) { k = 3; hi = 0x8F; }
    else return 0;
    if (i + k > n - 1) return 0; /* truncated sequence */
    if (t[i + 1] < lo || t[i + 1] > hi) return 0;
    for (int j = 2; j <= k; j++) if (t[i + j] < 0x80 || t[i + j] > 0xBF) return 0;
    i += k + 1;
  }
  return 1;
}

/* Appends an integer in decimal, as JSON.stringify prints a safe integer. */
static int put_int(Line *s, size_t *len, sqlite3_int64 x) {
  char tmp[24];
  int n = 0;
  sqlite3_uint64 u = x < 0 ? (sqlite3_uint64)(-x) : (sqlite3_uint64)x;
  do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
  if (!grow(s, *len + (size_t)n + 1)) return 0;
  if (x < 0) s->buf[(*len)++] = '-';
  while (n) s->buf[(*len)++] = (unsigned char)tmp[--n];
  return 1;
}

/* Appends a string as JSON.stringify would, when it leaves it unescaped (json_raw); else 0. */
static int put_text(Line *s, size_t *len, const unsigned char *t, int n) {
  if (!grow(s, *len + (size_t)n + 2) || !json_raw(t, n)) return 0;
  s->buf[(*len)++] = '"';
  memcpy(s->buf + *len, t, (size_t)n);
  *len += (size_t)n;
  s->buf[(*len)++] = '"';
  return 1;
}

/* Appends one header value as JSON.stringify would; 0 when it cannot be rendered with certainty. */
static int put_value(Line *s, size_t *len, sqlite3_value *v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
      if (!grow(s, *len + 4)) return 0;
      memcpy(s->buf + *len, "null", 4);
      *len += 4;
      return 1;
    case SQLITE_INTEGER: {
      sqlite3_int64 x = sqlite3_value_int64(v);
      if (x > MAX_SAFE || x < -MAX_SAFE) return 0;
      return put_int(s, len, x);
    }
    case SQLITE_TEXT: {
      const unsigned char *t = sqlite3_value_text(v);
      return t && put_text(s, len, t, sqlite3_value_bytes(v));
    }
    case SQLITE_FLOAT: {
      /*
       * An integral double prints as the integer (JSON.stringify(5) of the 5.0 better-sqlite3 reads,
       * or binds: it binds every JavaScript number as a double, and a column's INTEGER affinity
       * stores an integral one as an integer). Anything else is not ours to guess.
       */
      double d = sqlite3_value_double(v);
      if (!(d >= -(double)MAX_SAFE && d <= (double)MAX_SAFE) || d != (double)(sqlite3_int64)d) return 0;
      return put_int(s, len, (sqlite3_int64)d); /* -0.0 becomes 0, as JSON.stringify(-0) is "0" */
    }
    default:
      return 0; /* BLOB: JSON.stringify's rendering of what the exact path reads is not ours to guess */
  }
}

/* The header line of a record from its eleven header values: `[v0,...,v10]\n`; 0 when not renderable with certainty. */
static int render(Line *s, sqlite3_value **cols, size_t *out) {
  size_t len = 0;
  if (!grow(s, 1)) return 0;
  s->buf[len++] = '[';
  for (int c = 0; c < HEADER_COLS; c++) {
    if (c && !grow(s, len + 1)) return 0;
    if (c) s->buf[len++] = ',';
    if (!put_value(s, &len, cols[c])) return 0;
  }
  if (!grow(s, len + 2)) return 0;
  s->buf[len++] = ']';
  s->buf[len++] = '\n';
  *out = len;
  return 1;
}

/* SHA-256(prev || header line || body). */
static void link_hash(const unsigned char *prev, const Line *s, size_t len, const unsigned char *b, int bn, unsigned char *md) {
  SHA256_CTX c;
  SHA256_Init(&c);
  SHA256_Update(&c, prev, 32);
  SHA256_Update(&c, s->buf, len);
  SHA256_Update(&c, b, (size_t)bn);
  SHA256_Final(md, &c);
}

/* One row: proven (1) or not (0). */
static int prove(Links *s, sqlite3_value **argv) {
  sqlite3_value *seqv = argv[FIRST], *body = argv[FIRST + HEADER_COLS], *hash = argv[FIRST + HEADER_COLS + 1];
  if (sqlite3_value_type(seqv) != SQLITE_INTEGER || sqlite3_value_int64(seqv) != s->next) return 0;
  if (sqlite3_value_type(body) != SQLITE_TEXT || sqlite3_value_type(hash) != SQLITE_BLOB || sqlite3_value_bytes(hash) != 32) return 0;
  size_t len;
  if (!render(&s->line, argv + FIRST, &len)) return 0;
  const unsigned char *b = sqlite3_value_text(body);
  int bn = sqlite3_value_bytes(body);
  if (!b) return 0;
  unsigned char md[32];
  link_hash(s->prev, &s->line, len, b, bn, md);
  const unsigned char *stored = sqlite3_value_blob(hash);
  if (!stored || memcmp(md, stored, 32) != 0) return 0;
  memcpy(s->prev, stored, 32);
  return 1;
}

static void links_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  Links *s = sqlite3_aggregate_context(ctx, sizeof(Links));
  if (!s) { sqlite3_result_error_nomem(ctx); return; }
  (void)argc;
  if (!s->started) {
    s->started = 1;
    s->next = sqlite3_value_int64(argv[1]);
    s->hi = sqlite3_value_int64(argv[2]);
    if (sqlite3_value_type(argv[0]) != SQLITE_BLOB || sqlite3_value_bytes(argv[0]) != 32) {
      s->failed = 1;
      s->bad = s->next;
      return;
    }
    memcpy(s->prev, sqlite3_value_blob(argv[0]), 32);
  }
  if (s->failed) return;
  if (!prove(s, argv)) {
    s->failed = 1;
    s->bad = s->next;
    return;
  }
  s->next++;
}

static void links_final(sqlite3_context *ctx) {
  Links *s = sqlite3_aggregate_context(ctx, 0);
  if (!s || !s->started) { sqlite3_result_null(ctx); return; } /* no rows: the caller decides */
  sqlite3_free(s->line.buf);
  s->line.buf = NULL;
  if (s->failed) sqlite3_result_int64(ctx, s->bad);
  else if (s->next != s->hi + 1) sqlite3_result_int64(ctx, s->next); /* rows missing at the end */
  else sqlite3_result_int64(ctx, 0);
}

/* The records writer's state per connection: the header line being rendered. */
typedef struct {
  Line line;
} Forge;

static void forge_free(void *p) {
  Forge *f = p;
  sqlite3_free(f->line.buf);
  sqlite3_free(f);
}

/*
 * smsguard_chain_append(table, first_seq, tip, batch): appends a whole batch of records to a month
 * table and returns the new tip, for the records writer. One SQL call per batch: no value is bound
 * from JavaScript per record, the header is rendered and the link forged here, and each row is
 * inserted by a plain single-row INSERT prepared here (no statement journal: it calls no function).
 *
 * `batch` packs each record as: `at` (float64, little-endian), a null mask (uint16 LE: bit i set when
 * header text field i is null), the byte length of its text (uint32 LE), then the text: the nine
 * header text fields (id, kind, content_provider_id, msisdn, ref, port, type, decision, rule) each
 * ended by a NUL byte, then the body (the JSON text, which never holds a raw NUL). Seqs run from
 * first_seq. A field or body holding a NUL, a value not renderable with certainty, a malformed batch:
 * an error starting "smsguard_chain_append:", and the writer rolls the batch back and writes it
 * through its JavaScript path. An INSERT that fails (a constraint, a trigger) fails the call with
 * SQLite's own message and code. Either way nothing is kept: the caller rolls back.
 */
#define TEXT_FIELDS 9

static int put_field(Line *s, size_t *len, const unsigned char *t, int n, int null) {
  if (null) {
    if (n != 0 || !grow(s, *len + 4)) return 0;
    memcpy(s->buf + *len, "null", 4);
    *len += 4;
    return 1;
  }
  return put_text(s, len, t, n);
}

static void chain_append(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  Forge *f = sqlite3_user_data(ctx);
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  (void)argc;
  const unsigned char *table = sqlite3_value_text(argv[0]);
  /* A JavaScript number arrives as a double (better-sqlite3 binds every number so): integral is fine. */
  int seq_ok = sqlite3_value_type(argv[1]) == SQLITE_INTEGER
    || (sqlite3_value_type(argv[1]) == SQLITE_FLOAT && sqlite3_value_double(argv[1]) == (double)sqlite3_value_int64(argv[1]));
  sqlite3_int64 seq = sqlite3_value_int64(argv[1]);
  const unsigned char *p = sqlite3_value_blob(argv[3]);
  int total = sqlite3_value_bytes(argv[3]);
  if (!table || !seq_ok || seq < 1 || seq > MAX_SAFE || sqlite3_value_type(argv[2]) != SQLITE_BLOB || sqlite3_value_bytes(argv[2]) != 32 || sqlite3_value_type(argv[3]) != SQLITE_BLOB) {
    sqlite3_result_error(ctx, "smsguard_chain_append: (table TEXT, first_seq INTEGER, tip BLOB(32), batch BLOB) expected", -1);
    return;
  }
  unsigned char tip[32];
  memcpy(tip, sqlite3_value_blob(argv[2]), 32);
  char *sql = sqlite3_mprintf("INSERT INTO \"%w\" (seq, id, at, kind, content_provider_id, msisdn, ref, port, type, decision, rule, body, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (const char *)table);
  if (!sql) { sqlite3_result_error_nomem(ctx); return; }
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  sqlite3_free(sql);
  if (rc != SQLITE_OK) {
    sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  const char *refuse = NULL;
  int at_off = 0;
  while (at_off < total) {
    if (total - at_off < 14) { refuse = "smsguard_chain_append: a truncated batch"; break; }
    double at;
    unsigned short mask;
    unsigned int n;
    memcpy(&at, p + at_off, 8);
    memcpy(&mask, p + at_off + 8, 2);
    memcpy(&n, p + at_off + 10, 4);
    const unsigned char *t = p + at_off + 14;
    if (n > (unsigned int)(total - at_off - 14)) { refuse = "smsguard_chain_append: a truncated batch"; break; }
    at_off += 14 + (int)n;
    /* The nine fields, each ended by a NUL; the rest is the body. */
    const unsigned char *fs[TEXT_FIELDS];
    int fl[TEXT_FIELDS];
    const unsigned char *q = t, *end = t + n;
    int k = 0;
    for (; k < TEXT_FIELDS; k++) {
      const unsigned char *z = memchr(q, 0, (size_t)(end - q));
      if (!z) break;
      fs[k] = q;
      fl[k] = (int)(z - q);
      q = z + 1;
    }
    const unsigned char *body = q;
    int bn = (int)(end - q);
    if (k < TEXT_FIELDS || memchr(body, 0, (size_t)bn) || !(at >= -(double)MAX_SAFE && at <= (double)MAX_SAFE) || at != (double)(sqlite3_int64)at) {
      refuse = "smsguard_chain_append: cannot render this record's header with certainty";
      break;
    }
    /* [seq, id, at, kind, content_provider_id, msisdn, ref, port, type, decision, rule]\n */
    Line *s = &f->line;
    size_t len = 0;
    int ok = grow(s, 1);
    if (ok) s->buf[len++] = '[';
    ok = ok && put_int(s, &len, seq);
    for (int c = 0; ok && c < TEXT_FIELDS; c++) {
      ok = grow(s, len + 1);
      if (ok) s->buf[len++] = ',';
      ok = ok && put_field(s, &len, fs[c], fl[c], mask & (1u << c));
      if (ok && c == 0) { /* at follows id */
        ok = grow(s, len + 1);
        if (ok) s->buf[len++] = ',';
        ok = ok && put_int(s, &len, (sqlite3_int64)at);
      }
    }
    ok = ok && grow(s, len + 2);
    if (!ok) { refuse = "smsguard_chain_append: cannot render this record's header with certainty"; break; }
    s->buf[len++] = ']';
    s->buf[len++] = '\n';
    link_hash(tip, s, len, body, bn, tip);
    sqlite3_bind_int64(st, 1, seq);
    for (int c = 0; c < TEXT_FIELDS; c++) {
      int col = c == 0 ? 2 : c + 3; /* id is column 2, at column 3, kind.. rule columns 4..11 */
      if (mask & (1u << c)) sqlite3_bind_null(st, col);
      else sqlite3_bind_text(st, col, (const char *)fs[c], fl[c], SQLITE_STATIC);
    }
    sqlite3_bind_int64(st, 3, (sqlite3_int64)at);
    sqlite3_bind_text(st, 12, (const char *)body, bn, SQLITE_STATIC);
    sqlite3_bind_blob(st, 13, tip, 32, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
      rc = sqlite3_extended_errcode(db);
      sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
      sqlite3_result_error_code(ctx, rc);
      sqlite3_finalize(st);
      return;
    }
    sqlite3_reset(st);
    seq++;
  }
  sqlite3_finalize(st);
  if (refuse) sqlite3_result_error(ctx, refuse, -1);
  else sqlite3_result_blob(ctx, tip, 32, SQLITE_TRANSIENT);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_chainlinks_init(sqlite3 *db, char **err, const sqlite3_api_routines *api) {
  SQLITE_EXTENSION_INIT2(api);
  (void)err;
  int rc = sqlite3_create_function(db, "smsguard_chain_links", ARGS, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL, NULL, links_step, links_final);
  if (rc != SQLITE_OK) return rc;
  Forge *f = sqlite3_malloc(sizeof(Forge));
  if (!f) return SQLITE_NOMEM;
  memset(f, 0, sizeof(Forge));
  /* The connection frees f when the function goes (with the connection). */
  return sqlite3_create_function_v2(db, "smsguard_chain_append", 4, SQLITE_UTF8 | SQLITE_DIRECTONLY, f, chain_append, NULL, NULL, forge_free);
}
