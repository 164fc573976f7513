#include "ceditline.h"

#include <histedit.h>

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

struct cedit_editor {
    EditLine *el;
    History *history;
    FILE *input;
    FILE *output;
    int input_fd;
    char *prompt;
    mbstate_t decoder;
    cedit_completer completer;
    void *completer_context;
};

static volatile sig_atomic_t interrupt_arrived = 0;

static void on_interrupt(int signal_number) {
    (void)signal_number;
    interrupt_arrived = 1;
}

void cedit_interrupt_install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    // No SA_RESTART: read() must return EINTR so the prompt can end. SA_ONSTACK: the caller has
    // given the thread an alternate stack (SignalShield), so a Ctrl-C inside a oneDNN GEMM kernel,
    // whose stack pointer points into the heap, does not write its frame there.
    action.sa_flags = SA_ONSTACK;
    sigaction(SIGINT, &action, NULL);
}

void cedit_interrupt_uninstall(void) {
    signal(SIGINT, SIG_DFL);
    interrupt_arrived = 0;
}

int cedit_interrupt_take(void) {
    int arrived = interrupt_arrived != 0;
    interrupt_arrived = 0;
    return arrived;
}

static cedit_editor *editor_of(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return (cedit_editor *)data;
}

// libedit's own key reader retries a read interrupted by a signal it does not handle itself,
// so one Ctrl-C would be swallowed. This reader gives up as soon as SIGINT has arrived.
static int read_key(EditLine *el, wchar_t *key) {
    cedit_editor *editor = editor_of(el);
    for (;;) {
        if (interrupt_arrived) {
            *key = 0;
            errno = EINTR;
            return -1;
        }
        char byte;
        ssize_t count = read(editor->input_fd, &byte, 1);
        if (count < 0) {
            if (errno == EINTR) {
                // A window resize or a return from Ctrl-Z: libedit's handler fixed the terminal
                // mode and size; draw the line again, as libedit's own reader does. (Ctrl-C ends
                // the read at the top of the loop, with the line left as it was.)
                if (!interrupt_arrived) el_set(el, EL_REFRESH);
                continue;
            }
            *key = 0;
            return -1;
        }
        if (count == 0) {
            *key = 0;
            return 0;
        }
        size_t used = mbrtowc(key, &byte, 1, &editor->decoder);
        if (used == (size_t)-2) continue; // a multi-byte character is still incomplete
        if (used == (size_t)-1) {        // not UTF-8: drop the byte, start afresh
            memset(&editor->decoder, 0, sizeof editor->decoder);
            continue;
        }
        return 1;
    }
}

static char *current_prompt(EditLine *el) {
    cedit_editor *editor = editor_of(el);
    return editor->prompt ? editor->prompt : "";
}

static unsigned char complete(EditLine *el, int key) {
    (void)key;
    cedit_editor *editor = editor_of(el);
    if (!editor->completer) return CC_ERROR;
    const LineInfo *info = el_line(el);
    char *before = strndup(info->buffer, (size_t)(info->cursor - info->buffer));
    if (!before) return CC_ERROR;
    char *insert = NULL, *listing = NULL;
    editor->completer(editor->completer_context, before, &insert, &listing);
    free(before);
    unsigned char result = CC_REFRESH_BEEP;
    if (insert && *insert && el_insertstr(el, insert) == 0) result = CC_REFRESH;
    if (listing && *listing) {
        fprintf(editor->output, "\n%s\n", listing);
        fflush(editor->output);
        result = CC_REDISPLAY;
    }
    free(insert);
    free(listing);
    return result;
}

cedit_editor *cedit_open(const char *program, int input_fd, int output_fd, int history_size) {
    const char *locale = setlocale(LC_CTYPE, "");
    if (!locale || strcmp(nl_langinfo(CODESET), "UTF-8") != 0) setlocale(LC_CTYPE, "C.UTF-8");

    cedit_editor *editor = calloc(1, sizeof *editor);
    if (!editor) return NULL;
    editor->input_fd = input_fd;
    int in_copy = dup(input_fd), out_copy = dup(output_fd);
    editor->input = in_copy >= 0 ? fdopen(in_copy, "r") : NULL;
    editor->output = out_copy >= 0 ? fdopen(out_copy, "w") : NULL;
    if (!editor->input || !editor->output) {
        if (editor->input) fclose(editor->input); else if (in_copy >= 0) close(in_copy);
        if (editor->output) fclose(editor->output); else if (out_copy >= 0) close(out_copy);
        free(editor);
        return NULL;
    }
    editor->el = el_init(program, editor->input, editor->output, stderr);
    editor->history = history_init();
    if (!editor->el || !editor->history) {
        cedit_close(editor);
        return NULL;
    }
    HistEvent event;
    history(editor->history, &event, H_SETSIZE, history_size > 0 ? history_size : 1);
    history(editor->history, &event, H_SETUNIQUE, 1);

    el_set(editor->el, EL_CLIENTDATA, editor);
    el_set(editor->el, EL_EDITOR, "emacs");
    // libedit restores the terminal before a signal's default action and redraws after SIGCONT
    // and window resizes.
    el_set(editor->el, EL_SIGNAL, 1);
    el_set(editor->el, EL_GETCFN, read_key);
    el_set(editor->el, EL_PROMPT, current_prompt);
    el_set(editor->el, EL_HIST, history, editor->history);
    el_set(editor->el, EL_ADDFN, "lstmkit-complete", "Complete a command or vocabulary word", complete);
    el_set(editor->el, EL_BIND, "^I", "lstmkit-complete", NULL);
    // The user's ~/.editrc comes last so its bindings win; a missing file is not an error.
    el_source(editor->el, NULL);
    return editor;
}

void cedit_close(cedit_editor *editor) {
    if (!editor) return;
    if (editor->el) el_end(editor->el);
    if (editor->history) history_end(editor->history);
    if (editor->input) fclose(editor->input);
    if (editor->output) fclose(editor->output);
    free(editor->prompt);
    free(editor);
}

void cedit_set_prompt(cedit_editor *editor, const char *prompt) {
    free(editor->prompt);
    editor->prompt = strdup(prompt ? prompt : "");
}

void cedit_set_completer(cedit_editor *editor, cedit_completer completer, void *context) {
    editor->completer = completer;
    editor->completer_context = context;
}

int cedit_read_line(cedit_editor *editor, const char **line) {
    fflush(stdout); // what the program printed must be on screen before the prompt
    int count = 0;
    const char *text = el_gets(editor->el, &count);
    if (!text) {
        // End the prompt's line where it was drawn, so the shell's prompt starts afresh.
        fputc('\n', editor->output);
        fflush(editor->output);
        if (cedit_interrupt_take()) return CEDIT_INTERRUPTED;
        return count == 0 ? CEDIT_END_OF_INPUT : CEDIT_FAILED;
    }
    if (cedit_interrupt_take()) return CEDIT_INTERRUPTED;
    while (count > 0 && (text[count - 1] == '\n' || text[count - 1] == '\r')) count--;
    *line = text;
    return count;
}

void cedit_add_history(cedit_editor *editor, const char *line) {
    HistEvent event;
    history(editor->history, &event, H_ENTER, line);
}
