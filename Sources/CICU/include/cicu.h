// A deliberately small, opaque C surface over the system ICU (libicu-dev).
//
// Why this exists: ICU renames every C symbol by its major version through macros Swift cannot
// see, and Foundation on Linux carries its own ICU headers, which clash with <unicode/*.h> in any
// module that sees both. So this header declares only plain C types; ICU headers are included in
// cicu.c alone.
#ifndef CICU_H
#define CICU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// UTF-16 code unit, identical in layout to ICU's UChar.
typedef uint16_t cicu_char;

/// Opaque break iterator (wraps UBreakIterator).
typedef struct cicu_break cicu_break;

enum cicu_break_kind { CICU_BREAK_WORD = 0, CICU_BREAK_SENTENCE = 1 };

enum cicu_norm_mode {
    CICU_NFC = 0,
    CICU_NFKC = 1,
    CICU_NFKC_CASEFOLD = 2, // NFKC with full case folding in one pass (ICU nfkc_cf)
};

/// Opens a break iterator for `locale` (e.g. "en", "ja"). Returns NULL and sets *error (> 0)
/// on failure. Warnings (error < 0, e.g. using the default locale) are not failures.
cicu_break *cicu_break_open(int32_t kind, const char *locale, int32_t *error);
void cicu_break_close(cicu_break *iterator);
/// Points the iterator at `text`; the text must stay alive and unchanged while iterating.
void cicu_break_set_text(cicu_break *iterator, const cicu_char *text, int32_t length, int32_t *error);
/// Next boundary offset in UTF-16 units, or -1 when done.
int32_t cicu_break_next(cicu_break *iterator);
/// Rule status of the boundary just returned (UBRK_WORD_* ranges for word breaks).
int32_t cicu_break_rule_status(cicu_break *iterator);

/// Normalises `src` into `dst` (capacity `capacity`). Returns the needed length; when that is
/// larger than `capacity`, *error is set to the buffer-overflow code and the caller retries.
int32_t cicu_normalize(int32_t mode, const cicu_char *src, int32_t length,
                       cicu_char *dst, int32_t capacity, int32_t *error);
/// Full (not simple) Unicode case folding, default options. Same contract as cicu_normalize.
int32_t cicu_fold_case(const cicu_char *src, int32_t length,
                       cicu_char *dst, int32_t capacity, int32_t *error);
/// Fast check: 1 when `src` is already in the given normalization form, 0 otherwise.
int32_t cicu_is_normalized(int32_t mode, const cicu_char *src, int32_t length, int32_t *error);

/// Coarse character classes the tokenizer needs (ICU's properties, so they match its break rules).
enum cicu_char_class {
    CICU_CHAR_OTHER = 0,
    CICU_CHAR_WHITE_SPACE = 1, // Unicode White_Space
    CICU_CHAR_PUNCTUATION = 2, // general category P*
    CICU_CHAR_DIGIT = 3,       // general category Nd
    CICU_CHAR_SYMBOL = 4,      // general category S*
    CICU_CHAR_IGNORABLE = 5,   // controls and format characters (Cc, Cf), e.g. ZWJ, soft hyphen
};
/// The class of code point `c` (see cicu_char_class).
int32_t cicu_char_class(int32_t c);

/// ICU's name for an error code, e.g. "U_BUFFER_OVERFLOW_ERROR".
const char *cicu_error_name(int32_t error);
/// The overflow code, so callers need not hard-code ICU's enum value.
int32_t cicu_buffer_overflow_code(void);
/// ICU's major version (e.g. 72), for diagnostics.
int32_t cicu_version_major(void);

#ifdef __cplusplus
}
#endif
#endif
