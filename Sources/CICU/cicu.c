#include "cicu.h"

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uversion.h>
#include <unicode/utypes.h>

_Static_assert(sizeof(cicu_char) == sizeof(UChar), "cicu_char must match UChar");

cicu_break *cicu_break_open(int32_t kind, const char *locale, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIteratorType type = kind == CICU_BREAK_SENTENCE ? UBRK_SENTENCE : UBRK_WORD;
    UBreakIterator *it = ubrk_open(type, locale, NULL, 0, &status);
    *error = (int32_t)status;
    if (U_FAILURE(status)) { if (it) ubrk_close(it); return NULL; }
    return (cicu_break *)it;
}

void cicu_break_close(cicu_break *iterator) {
    if (iterator) ubrk_close((UBreakIterator *)iterator);
}

void cicu_break_set_text(cicu_break *iterator, const cicu_char *text, int32_t length, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText((UBreakIterator *)iterator, (const UChar *)text, length, &status);
    *error = (int32_t)status;
}

int32_t cicu_break_next(cicu_break *iterator) {
    int32_t next = ubrk_next((UBreakIterator *)iterator);
    return next == UBRK_DONE ? -1 : next;
}

int32_t cicu_break_rule_status(cicu_break *iterator) {
    return ubrk_getRuleStatus((UBreakIterator *)iterator);
}

static const UNormalizer2 *normalizer(int32_t mode, UErrorCode *status) {
    switch (mode) {
    case CICU_NFKC: return unorm2_getNFKCInstance(status);
    case CICU_NFKC_CASEFOLD: return unorm2_getNFKCCasefoldInstance(status);
    default: return unorm2_getNFCInstance(status);
    }
}

int32_t cicu_normalize(int32_t mode, const cicu_char *src, int32_t length,
                       cicu_char *dst, int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *n = normalizer(mode, &status);
    if (U_FAILURE(status)) { *error = (int32_t)status; return 0; }
    int32_t needed = unorm2_normalize(n, (const UChar *)src, length, (UChar *)dst, capacity, &status);
    *error = (int32_t)status;
    return needed;
}

int32_t cicu_fold_case(const cicu_char *src, int32_t length,
                       cicu_char *dst, int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t needed = u_strFoldCase((UChar *)dst, capacity, (const UChar *)src, length,
                                   U_FOLD_CASE_DEFAULT, &status);
    *error = (int32_t)status;
    return needed;
}

int32_t cicu_is_normalized(int32_t mode, const cicu_char *src, int32_t length, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *n = normalizer(mode, &status);
    if (U_FAILURE(status)) { *error = (int32_t)status; return 0; }
    UBool ok = unorm2_isNormalized(n, (const UChar *)src, length, &status);
    *error = (int32_t)status;
    return ok ? 1 : 0;
}

int32_t cicu_char_class(int32_t c) {
    if (u_isUWhiteSpace(c)) return CICU_CHAR_WHITE_SPACE;
    int8_t type = u_charType(c);
    switch (type) {
    case U_DASH_PUNCTUATION: case U_START_PUNCTUATION: case U_END_PUNCTUATION:
    case U_CONNECTOR_PUNCTUATION: case U_OTHER_PUNCTUATION:
    case U_INITIAL_PUNCTUATION: case U_FINAL_PUNCTUATION:
        return CICU_CHAR_PUNCTUATION;
    case U_DECIMAL_DIGIT_NUMBER: return CICU_CHAR_DIGIT;
    case U_MATH_SYMBOL: case U_CURRENCY_SYMBOL: case U_MODIFIER_SYMBOL: case U_OTHER_SYMBOL:
        return CICU_CHAR_SYMBOL;
    case U_CONTROL_CHAR: case U_FORMAT_CHAR: return CICU_CHAR_IGNORABLE;
    default: return CICU_CHAR_OTHER;
    }
}

const char *cicu_error_name(int32_t error) { return u_errorName((UErrorCode)error); }

int32_t cicu_buffer_overflow_code(void) { return (int32_t)U_BUFFER_OVERFLOW_ERROR; }

int32_t cicu_version_major(void) { return U_ICU_VERSION_MAJOR_NUM; }
