// A small C surface over the system libedit (libedit-dev) for the REPL's line editor.
//
// Why a C target and not a plain systemLibrary: libedit's native API (el_set, history) is
// variadic, and Swift does not import variadic C functions; its readline emulation instead
// exposes global mutable state and cannot tell Ctrl-C from Ctrl-D. libedit's headers do not
// clash with Foundation or XCTest (measured: docs/ARCHITECTURE.md), but keeping them out of this
// header costs nothing and keeps Swift code free of libedit's types.
#ifndef CEDITLINE_H
#define CEDITLINE_H

#ifdef __cplusplus
extern "C" {
#endif

/// Opaque line editor (wraps EditLine and its History).
typedef struct cedit_editor cedit_editor;

/// What `cedit_read_line` returns besides a line length (>= 0).
enum cedit_status {
    CEDIT_END_OF_INPUT = -1, // Ctrl-D on an empty line, or the input closed
    CEDIT_INTERRUPTED = -2,  // SIGINT (Ctrl-C) arrived while reading
    CEDIT_FAILED = -3,       // a read error; errno tells
};

/// Called on Tab with the line up to the cursor (UTF-8). Sets *insert to text to insert at the
/// cursor and *listing to text to show below the line (candidates); either may stay NULL. Both
/// must be malloc'd (strdup): the editor frees them.
typedef void (*cedit_completer)(void *context, const char *before_cursor, char **insert, char **listing);

/// Opens an editor reading the terminal on `input_fd` and drawing on `output_fd` (a terminal
/// too), with `history_size` remembered lines. Selects the user's UTF-8 character type (C.UTF-8
/// when the environment names none) because libedit decodes keys through the C locale. Reads
/// ~/.editrc like other libedit programs. NULL on failure.
cedit_editor *cedit_open(const char *program, int input_fd, int output_fd, int history_size);
void cedit_close(cedit_editor *editor);

/// Sets the prompt (copied).
void cedit_set_prompt(cedit_editor *editor, const char *prompt);

/// Sets the Tab completer; NULL turns completion off.
void cedit_set_completer(cedit_editor *editor, cedit_completer completer, void *context);

/// Reads one line with editing. Returns its length in bytes without the newline and points
/// *line at it (valid until the next call), or a negative `cedit_status` (after ending the
/// prompt's line on the terminal).
int cedit_read_line(cedit_editor *editor, const char **line);

/// Appends a line to the in-memory history (Up arrow recalls it).
void cedit_add_history(cedit_editor *editor, const char *line);

/// Installs a SIGINT handler that only records the signal (no SA_RESTART, so a blocked read
/// returns and the editor reports CEDIT_INTERRUPTED). Idempotent.
void cedit_interrupt_install(void);
/// Restores the default SIGINT action.
void cedit_interrupt_uninstall(void);
/// 1 if SIGINT arrived since the last call (and clears it), else 0.
int cedit_interrupt_take(void);

#ifdef __cplusplus
}
#endif

#endif
