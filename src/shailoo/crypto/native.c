/* SPDX-License-Identifier: Apache-2.0
 *
 * A whole disjunctive range proof's group work in one call (docs/protocol.md 1 and 3.3), for
 * shailoo.crypto.native: the prover's commitments and responses, the verifier's recomputed commitments.
 * The Fiat-Shamir hashing, the JSON and every decision stay in Python.
 *
 * It calls the libdecaf that shailoo.crypto.decaf loaded (Debian's or the venv's x86-64-v3 build) through
 * function pointers handed over once by shailoo_native_init: no second copy of the library, no header needed.
 * The calls are the ones the Python path makes, in the same order: table multiplications and constant-time
 * selections for anything secret (the blinds t_j, the nonce r, which branch is true), libdecaf's
 * variable-time double multiplication only on public values (verification). The scalar arithmetic that
 * Python did with its integers (reductions, c_j (j - m), c - sum, t + c r) is libdecaf's constant-time
 * scalar code here, and the true branch is chosen with masks, not branches.
 *
 * Scalars are libdecaf's decaf_255_scalar_t (4 64-bit limbs, 32 bytes); points its decaf_255_point_t
 * (256 bytes, 32-byte aligned), as shailoo.crypto.decaf declares them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define POINT_BYTES 256
#define SCALAR_BYTES 32
#define FRAME 36 /* a hash part as shailoo.crypto.group.framed gives it: 4-byte length, 32-byte encoding */

typedef struct { uint64_t limb[4]; } scalar;
typedef struct { _Alignas(32) unsigned char bytes[POINT_BYTES]; } point;

static struct {
    void (*precomputed_scalarmul)(point *, const void *, const scalar *);
    void (*point_encode)(uint8_t *, const point *);
    void (*point_add)(point *, const point *, const point *);
    void (*point_cond_sel)(point *, const point *, const point *, uint64_t);
    void (*base_double_scalarmul_non_secret)(point *, const scalar *, const point *, const scalar *);
    void (*scalar_decode_long)(scalar *, const uint8_t *, size_t);
    void (*scalar_encode)(uint8_t *, const scalar *);
    void (*scalar_add)(scalar *, const scalar *, const scalar *);
    void (*scalar_sub)(scalar *, const scalar *, const scalar *);
    void (*scalar_mul)(scalar *, const scalar *, const scalar *);
    void (*scalar_set_unsigned)(scalar *, uint64_t);
    void (*scalar_cond_sel)(scalar *, const scalar *, const scalar *, uint64_t);
    const void *base_table;
    point identity;
    int ready;
} decaf;

/* All bits set when a < b, else zero, without a branch (a, b < 2^63). */
static uint64_t below(uint64_t a, uint64_t b) { return (uint64_t)0 - ((a - b) >> 63); }
static uint64_t equal(uint64_t a, uint64_t b) { return ~(below(a, b) | below(b, a)); }

static void frame(uint8_t *slot) {
    slot[0] = 0; slot[1] = 0; slot[2] = 0; slot[3] = 32;
}

int shailoo_native_init(void *const *functions, size_t count, const void *base_table, const void *identity) {
    void **target = (void **)&decaf;
    if (count != 12) return -1;
    for (size_t i = 0; i < count; i++) target[i] = functions[i];
    decaf.base_table = base_table;
    memcpy(&decaf.identity, identity, POINT_BYTES);
    decaf.ready = 1;
    return 0;
}

/* The prover's first move for n branches, the true one at index m (secret): from drawn = t_j (64 bytes) then
 * c_j (64 bytes) for each branch, the blinds t_j and challenges c_j reduced mod l (c_m = 0) into blinds and
 * challenges (32 bytes each); A_j = t_j G into slot 2j, B_j = t_j K + (c_j (j - m)) G into slot 2j + 1.
 * The group operations are those of group.Commitments.disjunctive, in its order: the n - 1 shifted terms
 * of the other branches (table multiplications), then per branch two table multiplications, two selections
 * and an addition. Returns 0, or -1 when out of memory or not initialised. */
int shailoo_prove_commit(const void *key_table, const uint8_t *drawn, uint64_t n, uint64_t m, uint8_t *slots,
                         uint8_t *blinds, uint8_t *challenges) {
    if (!decaf.ready || n == 0 || m >= n) return -1;
    scalar *t = malloc(2 * n * sizeof(scalar));
    point *shifted = aligned_alloc(32, (n + 1) * sizeof(point));
    if (t == NULL || shifted == NULL) { free(t); free(shifted); return -1; }
    scalar *c = t + n, zero, index, offset, difference, picked;
    point first, *chosen = shifted + n;
    memset(&zero, 0, sizeof zero);
    decaf.scalar_set_unsigned(&offset, m);
    for (uint64_t j = 0; j < n; j++) {
        decaf.scalar_decode_long(&t[j], drawn + 128 * j, 64);
        decaf.scalar_decode_long(&c[j], drawn + 128 * j + 64, 64);
        decaf.scalar_cond_sel(&c[j], &c[j], &zero, equal(j, m));
        decaf.scalar_encode(blinds + SCALAR_BYTES * j, &t[j]);
        decaf.scalar_encode(challenges + SCALAR_BYTES * j, &c[j]);
    }
    /* e_j = c_j (j - m) for the branches other than m, in order: branch k for k < m, k + 1 after. */
    for (uint64_t k = 0; k + 1 < n; k++) {
        uint64_t after = ~below(k, m);
        decaf.scalar_cond_sel(&picked, &c[k], &c[k + 1], after);
        decaf.scalar_set_unsigned(&index, k + (after & 1));
        decaf.scalar_sub(&difference, &index, &offset);
        decaf.scalar_mul(&picked, &picked, &difference);
        decaf.precomputed_scalarmul(&shifted[k], decaf.base_table, &picked);
    }
    for (uint64_t j = 0; j < n; j++) {
        uint8_t *slot = slots + 2 * FRAME * j;
        frame(slot);
        frame(slot + FRAME);
        decaf.precomputed_scalarmul(&first, decaf.base_table, &t[j]);
        decaf.point_encode(slot + 4, &first);
        decaf.precomputed_scalarmul(&first, key_table, &t[j]);
        memcpy(chosen, &decaf.identity, POINT_BYTES);
        if (j + 1 < n) decaf.point_cond_sel(chosen, chosen, &shifted[j], below(j, m));
        if (j > 0) decaf.point_cond_sel(chosen, chosen, &shifted[j - 1], below(m, j));
        decaf.point_add(&first, &first, chosen);
        decaf.point_encode(slot + FRAME + 4, &first);
    }
    memset(t, 0, 2 * n * sizeof(scalar));
    free(t);
    free(shifted);
    return 0;
}

/* A selection's encryption and its proof's first move in one call: the nonce r from drawn's first 64 bytes
 * (mod l), the ciphertext (r G, r K + message) into ciphertext[0], ciphertext[1] and encoded into encodings
 * (64 bytes), r into nonce (32 bytes); then shailoo_prove_commit on the rest of drawn. The encryption's calls
 * are group.FixedBase.encrypt's: two table multiplications and an addition (message is the value's multiple of
 * G, which the caller gives, as elgamal.encrypt does). */
int shailoo_encrypt_commit(const void *key_table, const point *message, const uint8_t *drawn, uint64_t n,
                           uint64_t m, point *ciphertext, uint8_t *encodings, uint8_t *nonce, uint8_t *slots,
                           uint8_t *blinds, uint8_t *challenges) {
    scalar r;
    if (!decaf.ready) return -1;
    decaf.scalar_decode_long(&r, drawn, 64);
    decaf.precomputed_scalarmul(&ciphertext[0], decaf.base_table, &r);
    decaf.precomputed_scalarmul(&ciphertext[1], key_table, &r);
    decaf.point_add(&ciphertext[1], &ciphertext[1], message);
    decaf.point_encode(encodings, &ciphertext[0]);
    decaf.point_encode(encodings + 32, &ciphertext[1]);
    decaf.scalar_encode(nonce, &r);
    memset(&r, 0, sizeof r);
    return shailoo_prove_commit(key_table, drawn + 64, n, m, slots, blinds, challenges);
}

/* The prover's answer: total is the 64-byte Fiat-Shamir hash, read mod l; c_m = total - sum of c_j (c_m is
 * zero in challenges), then v_j = t_j + c_j r for every branch. Writes c_m into challenges and the v_j into
 * responses; the same operations whatever m. */
void shailoo_prove_respond(const uint8_t *total, const uint8_t *nonce, uint64_t n, uint64_t m,
                           const uint8_t *blinds, uint8_t *challenges, uint8_t *responses) {
    scalar rest, sum, c, t, r, v;
    decaf.scalar_decode_long(&rest, total, 64);
    memset(&sum, 0, sizeof sum);
    for (uint64_t j = 0; j < n; j++) {
        decaf.scalar_decode_long(&c, challenges + SCALAR_BYTES * j, SCALAR_BYTES);
        decaf.scalar_add(&sum, &sum, &c);
    }
    decaf.scalar_sub(&rest, &rest, &sum);
    decaf.scalar_decode_long(&r, nonce, SCALAR_BYTES);
    for (uint64_t j = 0; j < n; j++) {
        decaf.scalar_decode_long(&c, challenges + SCALAR_BYTES * j, SCALAR_BYTES);
        decaf.scalar_cond_sel(&c, &c, &rest, equal(j, m));
        decaf.scalar_decode_long(&t, blinds + SCALAR_BYTES * j, SCALAR_BYTES);
        decaf.scalar_mul(&v, &c, &r);
        decaf.scalar_add(&v, &v, &t);
        decaf.scalar_encode(challenges + SCALAR_BYTES * j, &c);
        decaf.scalar_encode(responses + SCALAR_BYTES * j, &v);
    }
    memset(&r, 0, sizeof r);
    memset(&t, 0, sizeof t);
}

/* A public point's table for VARIABLE-time multiplications by public scalars (the verifier's v_j K): the
 * multiples d 2^(8w) P for every byte position w and byte value d = 1..255 (32 x 255 points, 2 MB), so that
 * v P is the sum of one entry per non-zero byte of v: at most 31 additions, against the 56 additions and
 * constant-time table scans of libdecaf's precomputed multiplication. Never for a secret scalar: which entries
 * are read, and how many additions are made, depend on the scalar. */
#define WINDOWS 32
#define DIGITS 255

point *shailoo_public_table_new(const point *base) {
    point *table = aligned_alloc(32, (size_t)WINDOWS * DIGITS * sizeof(point));
    if (table == NULL || !decaf.ready) { free(table); return NULL; }
    point unit;
    memcpy(&unit, base, POINT_BYTES);
    for (int w = 0; w < WINDOWS; w++) {
        point *row = table + (size_t)w * DIGITS;
        memcpy(&row[0], &unit, POINT_BYTES);
        for (int d = 1; d < DIGITS; d++) decaf.point_add(&row[d], &row[d - 1], &unit);
        decaf.point_add(&unit, &row[DIGITS - 1], &unit); /* 256 2^(8w) P = 2^(8(w + 1)) P */
    }
    return table;
}

void shailoo_public_table_free(point *table) { free(table); }

/* out = v P from P's public table; v is a canonical 32-byte scalar (public). */
static void public_mul(point *out, const point *table, const uint8_t *v) {
    int started = 0;
    for (int w = 0; w < WINDOWS; w++) {
        if (v[w] == 0) continue;
        const point *entry = table + (size_t)w * DIGITS + (v[w] - 1);
        if (started) decaf.point_add(out, out, entry);
        else { memcpy(out, entry, POINT_BYTES); started = 1; }
    }
    if (!started) memcpy(out, &decaf.identity, POINT_BYTES);
}

/* The verifier's commitments for branches j = low, low + 1, ... (n of them), in VARIABLE time (public values
 * only): A_j = v_j G - c_j alpha, B_j = v_j K + (c_j j) G - c_j beta, as group.Commitments.verify_branches
 * computes them (v_j K from K's public table), into slots 2j and 2j + 1; the sum of the challenges mod l
 * into sum_out (32 bytes). challenges and responses are n canonical scalars of 32 bytes each. */
void shailoo_verify_commit(const point *key_public_table, const point *alpha, const point *beta, uint64_t low,
                           uint64_t n, const uint8_t *challenges, const uint8_t *responses, uint8_t *slots,
                           uint8_t *sum_out) {
    static const uint8_t nothing[SCALAR_BYTES];
    scalar c, v, minus, weighted, index, sum, zero;
    point first, second;
    memset(&sum, 0, sizeof sum);
    memset(&zero, 0, sizeof zero);
    for (uint64_t j = 0; j < n; j++) {
        uint8_t *slot = slots + 2 * FRAME * j;
        const uint8_t *response = responses + SCALAR_BYTES * j;
        frame(slot);
        frame(slot + FRAME);
        decaf.scalar_decode_long(&c, challenges + SCALAR_BYTES * j, SCALAR_BYTES);
        decaf.scalar_decode_long(&v, response, SCALAR_BYTES);
        decaf.scalar_add(&sum, &sum, &c);
        public_mul(&second, key_public_table, response);
        if (memcmp(challenges + SCALAR_BYTES * j, nothing, SCALAR_BYTES) != 0) {
            decaf.scalar_sub(&minus, &zero, &c);
            decaf.base_double_scalarmul_non_secret(&first, &v, alpha, &minus);
            decaf.point_encode(slot + 4, &first);
            decaf.scalar_set_unsigned(&index, low + j);
            decaf.scalar_mul(&weighted, &c, &index);
            decaf.base_double_scalarmul_non_secret(&first, &weighted, beta, &minus);
            decaf.point_add(&first, &second, &first);
        } else { /* libdecaf 1.0.2 drops G's part when the point's scalar is zero (group.public_combination) */
            decaf.precomputed_scalarmul(&first, decaf.base_table, &v);
            decaf.point_encode(slot + 4, &first);
            memcpy(&first, &second, POINT_BYTES);
        }
        decaf.point_encode(slot + FRAME + 4, &first);
    }
    decaf.scalar_encode(sum_out, &sum);
}
