//! The key table: each binding declared once per screen, used both by [`update()`](super::update()) to act
//! on a key and by the help bar and help overlay to describe it.

/// A key, independent of the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// A printable character (letters arrive as typed, so `G` is shift-g).
    Char(char),
    /// A character with Control held.
    Ctrl(char),
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// Home.
    Home,
    /// End.
    End,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Enter.
    Enter,
    /// Escape.
    Esc,
    /// Tab.
    Tab,
    /// Shift-Tab.
    BackTab,
    /// Backspace.
    Backspace,
    /// A function key, `F(1)` for F1.
    F(u8),
}

/// What a key means on a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Move the selection (or scroll) up.
    Up,
    /// Move the selection (or scroll) down.
    Down,
    /// Jump to the first row.
    Top,
    /// Jump to the last row.
    Bottom,
    /// Scroll a page up.
    PageUp,
    /// Scroll a page down.
    PageDown,
    /// Move focus between the sources list and the warnings.
    SwitchFocus,
    /// Show the answer for the next way of running Claude Code.
    NextMode,
    /// Open or close the full details of the selected row.
    Details,
    /// Read everything again.
    Reload,
    /// Open or close the help overlay.
    Help,
    /// Close what is open, else leave.
    Back,
    /// Leave ccauth.
    Quit,
    /// Copy the sign-in URL (or the device URL).
    CopyUrl,
    /// Copy the device user code.
    CopyCode,
    /// Open the browser (again, or despite the reason it was not opened).
    OpenBrowser,
    /// Show or hide the QR code.
    ToggleQr,
    /// Switch to device code sign-in.
    UseDevice,
    /// Put the cursor in the paste box.
    FocusPaste,
    /// Try the sign-in again after a failure.
    Retry,
    /// Go on from the success screen.
    Continue,
    /// Write the proposed change to Claude Code's settings.
    WriteSettings,
    /// Open the account-type chooser to sign in (again).
    Login,
    /// Log out.
    Logout,
    /// Test the configured apiKeyHelper.
    TestHelper,
    /// Open the config screen.
    OpenConfig,
    /// Answer "use this API key?" for the key in the environment.
    ReviewApiKey,
    /// Show (then write) the change that removes an apiKeyHelper ccauth no longer serves.
    RemoveHelper,
    /// Choose the selected row.
    Choose,
    /// Answer yes.
    Yes,
    /// Answer no.
    No,
    /// Move to the next field.
    NextField,
    /// Move to the previous field.
    PreviousField,
    /// Save the form.
    Submit,
    /// Clear the field.
    ClearField,
    /// Run again.
    RunAgain,
    /// Leave the text field (the paste box): letters are shortcuts again.
    LeaveField,
}

/// One binding: its keys, what it does, and how the help bar names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// Every key that triggers it.
    pub keys: &'static [Key],
    /// What it does.
    pub action: Action,
    /// The keys as shown to the user, e.g. `↑↓` or `q`.
    pub shown: &'static str,
    /// What it does, in two or three words.
    pub label: &'static str,
    /// Whether the one-line help bar lists it (the overlay lists every binding).
    pub in_bar: bool,
}

/// The dashboard's bindings, in help-bar order.
pub const DASHBOARD: &[Binding] = &[
    SELECT,
    UP,
    DOWN,
    TOP,
    BOTTOM,
    PAGE_UP,
    PAGE_DOWN,
    DETAILS,
    LOG_IN,
    NEXT_MODE,
    WARNINGS,
    RELOAD,
    LOG_OUT,
    TEST_HELPER,
    OPEN_CONFIG,
    REVIEW_KEY,
    HELP,
    DASHBOARD_BACK,
    DASHBOARD_QUIT,
];

/// The dashboard with a row's details open: the same keys (the arrows move the row the details
/// follow), the bar naming what matters there.
pub const DASHBOARD_DETAILS: &[Binding] = &[
    SELECT,
    UP,
    DOWN,
    TOP,
    BOTTOM,
    PAGE_UP,
    PAGE_DOWN,
    relabel(DETAILS, "close details"),
    hidden(LOG_IN),
    hidden(NEXT_MODE),
    hidden(WARNINGS),
    hidden(RELOAD),
    LOG_OUT,
    TEST_HELPER,
    OPEN_CONFIG,
    REVIEW_KEY,
    HELP,
    relabel(DASHBOARD_BACK, "close details"),
    DASHBOARD_QUIT,
];

/// The dashboard with the warnings in focus: the arrows scroll them, Enter does nothing (the
/// details belong to the list's row), Tab and Esc go back to the list.
pub const DASHBOARD_WARNINGS: &[Binding] = &[
    relabel(SELECT, "scroll"),
    relabel(UP, "scroll up"),
    relabel(DOWN, "scroll down"),
    relabel(TOP, "first line"),
    relabel(BOTTOM, "last line"),
    PAGE_UP,
    PAGE_DOWN,
    // The way back to the list is the main key here: a narrow bar keeps it.
    relabel(WARNINGS, "sources"),
    LOG_IN,
    NEXT_MODE,
    RELOAD,
    LOG_OUT,
    TEST_HELPER,
    OPEN_CONFIG,
    REVIEW_KEY,
    HELP,
    relabel(DASHBOARD_BACK, "back to the sources"),
    DASHBOARD_QUIT,
];

const TOP: Binding = bind(
    &[Key::Home, Key::Char('g')],
    Action::Top,
    "g/Home",
    "first row",
    false,
);
const BOTTOM: Binding = bind(
    &[Key::End, Key::Char('G')],
    Action::Bottom,
    "G/End",
    "last row",
    false,
);
const PAGE_UP: Binding = bind(&[Key::PageUp], Action::PageUp, "PgUp", "page up", false);
const PAGE_DOWN: Binding = bind(
    &[Key::PageDown],
    Action::PageDown,
    "PgDn",
    "page down",
    false,
);
const DETAILS: Binding = bind(&[Key::Enter], Action::Details, "enter", "details", true);
const LOG_IN: Binding = bind(&[Key::Char('l')], Action::Login, "l", "log in", true);
const NEXT_MODE: Binding = bind(&[Key::Char('m')], Action::NextMode, "m", "mode", true);
const WARNINGS: Binding = bind(
    &[Key::Tab, Key::BackTab],
    Action::SwitchFocus,
    "tab",
    "warnings",
    true,
);
const RELOAD: Binding = bind(&[Key::Char('r')], Action::Reload, "r", "reload", true);
const LOG_OUT: Binding = bind(&[Key::Char('x')], Action::Logout, "x", "log out", false);
const TEST_HELPER: Binding = bind(
    &[Key::Char('h')],
    Action::TestHelper,
    "h",
    "test apiKeyHelper",
    false,
);
const OPEN_CONFIG: Binding = bind(&[Key::Char('c')], Action::OpenConfig, "c", "config", false);
const REVIEW_KEY: Binding = bind(
    &[Key::Char('a')],
    Action::ReviewApiKey,
    "a",
    "approve API key",
    false,
);
const DASHBOARD_BACK: Binding = bind(&[Key::Esc], Action::Back, "esc", "close / quit", false);
const DASHBOARD_QUIT: Binding = bind(
    &[Key::Char('q'), Key::Ctrl('c')],
    Action::Quit,
    "q",
    "quit",
    true,
);

/// `binding`, left out of the bar (the `?` list still has it).
const fn hidden(binding: Binding) -> Binding {
    Binding {
        in_bar: false,
        ..binding
    }
}

/// `binding` under another label.
const fn relabel(binding: Binding, label: &'static str) -> Binding {
    Binding { label, ..binding }
}

/// The sign-in screen's bindings, in help-bar order. While the paste box has focus, letters type
/// into it instead; Esc or Tab leaves the box.
pub const SIGN_IN: &[Binding] = &[
    Binding {
        keys: &[Key::Char('c')],
        action: Action::CopyUrl,
        shown: "c",
        label: "copy URL",
        in_bar: true,
    },
    Binding {
        keys: &[Key::Char('o')],
        action: Action::OpenBrowser,
        shown: "o",
        label: "open browser",
        in_bar: true,
    },
    Binding {
        keys: &[Key::Char('v')],
        action: Action::ToggleQr,
        shown: "v",
        label: "QR code",
        in_bar: true,
    },
    Binding {
        keys: &[Key::Char('d')],
        action: Action::UseDevice,
        shown: "d",
        label: "device code",
        in_bar: true,
    },
    Binding {
        keys: &[Key::Char('u')],
        action: Action::CopyCode,
        shown: "u",
        label: "copy code",
        in_bar: false,
    },
    Binding {
        keys: &[Key::Tab, Key::Char('p')],
        action: Action::FocusPaste,
        shown: "tab",
        label: "paste box",
        in_bar: true,
    },
    Binding {
        keys: &[Key::Char('r')],
        action: Action::Retry,
        shown: "r",
        label: "retry",
        in_bar: false,
    },
    Binding {
        keys: &[Key::Char('w')],
        action: Action::WriteSettings,
        shown: "w",
        label: "write settings",
        in_bar: false,
    },
    Binding {
        keys: &[Key::Enter],
        action: Action::Continue,
        shown: "enter",
        label: "continue",
        in_bar: false,
    },
    Binding {
        keys: &[Key::Esc],
        action: Action::Back,
        shown: "esc",
        label: "cancel / back",
        in_bar: true,
    },
    // The result panel, when it does not fit (a settings change after a sign-in).
    RESULT_UP,
    RESULT_DOWN,
    HELP,
    Binding {
        keys: &[Key::Char('q'), Key::Ctrl('c')],
        action: Action::Quit,
        shown: "q",
        label: "quit",
        in_bar: false,
    },
];

/// The sign-in screen while the paste box has focus: every printable key types into it, and
/// only these keys act.
pub const PASTE_BOX: &[Binding] = &[
    bind(&[Key::Enter], Action::Submit, "enter", "send", true),
    bind(
        &[Key::Esc, Key::Tab, Key::BackTab],
        Action::LeaveField,
        "esc/tab",
        "leave the box",
        true,
    ),
    bind(
        &[Key::Ctrl('u')],
        Action::ClearField,
        "ctrl-u",
        "clear",
        true,
    ),
    bind(&[Key::Ctrl('c')], Action::Quit, "ctrl-c", "quit", true),
];

const fn bind(
    keys: &'static [Key],
    action: Action,
    shown: &'static str,
    label: &'static str,
    in_bar: bool,
) -> Binding {
    Binding {
        keys,
        action,
        shown,
        label,
        in_bar,
    }
}

/// The bar's summary of the arrows: it acts through [`UP`] and [`DOWN`] (no keys of its own, so
/// the overlay lists the two instead).
const SELECT: Binding = bind(&[], Action::Up, "↑↓", "select", true);
const UP: Binding = bind(
    &[Key::Up, Key::Char('k')],
    Action::Up,
    "↑/k",
    "move up",
    false,
);
const DOWN: Binding = bind(
    &[Key::Down, Key::Char('j')],
    Action::Down,
    "↓/j",
    "move down",
    false,
);
/// The full list of keys, where no text field takes `?`.
const HELP: Binding = bind(&[Key::Char('?')], Action::Help, "?", "help", true);
/// The full list of keys on screens whose printable keys all type.
const HELP_F1: Binding = bind(&[Key::F(1)], Action::Help, "f1", "help", true);

/// Leaving: Esc goes back, `q` and Ctrl-C quit.
const BACK: Binding = bind(&[Key::Esc], Action::Back, "esc", "back", true);
// A dialog's text when it does not fit: offered only then, and the panel's border says so.
const SCROLL_UP: Binding = bind(
    &[Key::Up, Key::Char('k'), Key::PageUp],
    Action::Up,
    "↑",
    "scroll up",
    false,
);
const SCROLL_DOWN: Binding = bind(
    &[Key::Down, Key::Char('j'), Key::PageDown],
    Action::Down,
    "↓",
    "scroll down",
    false,
);
const QUIT: Binding = bind(
    &[Key::Char('q'), Key::Ctrl('c')],
    Action::Quit,
    "q",
    "quit",
    true,
);

/// The sign-in screen in the device-code flow: the code is what people copy, so `c` copies the
/// code and `u` the URL (the browser flow has no code: there `c` copies the URL).
pub const SIGN_IN_DEVICE: &[Binding] = &[
    bind(&[Key::Char('c')], Action::CopyCode, "c", "copy code", true),
    bind(&[Key::Char('u')], Action::CopyUrl, "u", "copy URL", true),
    bind(
        &[Key::Char('o')],
        Action::OpenBrowser,
        "o",
        "open browser",
        true,
    ),
    bind(&[Key::Char('v')], Action::ToggleQr, "v", "QR code", true),
    bind(&[Key::Char('r')], Action::Retry, "r", "retry", false),
    bind(
        &[Key::Char('w')],
        Action::WriteSettings,
        "w",
        "write settings",
        false,
    ),
    bind(&[Key::Enter], Action::Continue, "enter", "continue", false),
    bind(&[Key::Esc], Action::Back, "esc", "cancel / back", true),
    RESULT_UP,
    RESULT_DOWN,
    HELP,
    bind(
        &[Key::Char('q'), Key::Ctrl('c')],
        Action::Quit,
        "q",
        "quit",
        false,
    ),
];

/// The sign-in's result panel scrolled up, when it does not fit.
const RESULT_UP: Binding = bind(
    &[Key::Up, Key::Char('k')],
    Action::Up,
    "↑",
    "more above",
    true,
);
/// The sign-in's result panel scrolled down, when it does not fit.
const RESULT_DOWN: Binding = bind(
    &[Key::Down, Key::Char('j')],
    Action::Down,
    "↓",
    "more below",
    true,
);

/// The sign-in screen's table for `flow`.
pub fn sign_in_table(flow: super::screens::sign_in::Flow) -> &'static [Binding] {
    match flow {
        super::screens::sign_in::Flow::Browser => SIGN_IN,
        super::screens::sign_in::Flow::Device => SIGN_IN_DEVICE,
    }
}

/// The chooser and the menus under it.
pub const MENU: &[Binding] = &[
    SELECT,
    UP,
    DOWN,
    bind(&[Key::Enter], Action::Choose, "enter", "choose", true),
    BACK,
    HELP,
    QUIT,
];

/// A form. Every printable key types into the field; only these keys act.
pub const FORM: &[Binding] = &[
    // Enter first: it is the main key, the one a narrow bar keeps.
    bind(&[Key::Enter], Action::Submit, "enter", "next/save", true),
    bind(
        &[Key::Tab, Key::Down],
        Action::NextField,
        "tab",
        "next",
        true,
    ),
    bind(
        &[Key::BackTab, Key::Up],
        Action::PreviousField,
        "shift-tab",
        "previous",
        true,
    ),
    bind(
        &[Key::Ctrl('u')],
        Action::ClearField,
        "ctrl-u",
        "clear",
        true,
    ),
    // Offered only while some of the form is out of sight; its border says so too.
    bind(
        &[Key::PageUp],
        Action::PageUp,
        "PgUp",
        "top / page up",
        false,
    ),
    bind(
        &[Key::PageDown],
        Action::PageDown,
        "PgDn",
        "page down",
        false,
    ),
    bind(&[Key::Esc], Action::Back, "esc", "back", true),
    HELP_F1,
    // Ctrl-C leaves from every screen; the bar keeps its room for the fields' keys.
    bind(&[Key::Ctrl('c')], Action::Quit, "ctrl-c", "quit", false),
];

/// "Detected a custom API key in your environment".
pub const APPROVAL: &[Binding] = &[
    // 1/y and 2/n answer directly: the arrows need no room in the bar.
    bind(
        &[Key::Up, Key::Down, Key::Char('k'), Key::Char('j')],
        Action::Down,
        "↑↓",
        "select",
        false,
    ),
    bind(
        &[Key::Char('1'), Key::Char('y')],
        Action::Yes,
        "1/y",
        "yes",
        true,
    ),
    bind(
        &[Key::Char('2'), Key::Char('n')],
        Action::No,
        "2/n",
        "no",
        true,
    ),
    bind(&[Key::Enter], Action::Choose, "enter", "confirm", true),
    bind(&[Key::Esc], Action::Back, "esc", "decide later", true),
    // Offered when the text does not fit; the panel's border says so.
    bind(&[Key::PageUp], Action::PageUp, "pgup", "scroll up", false),
    bind(
        &[Key::PageDown],
        Action::PageDown,
        "pgdn",
        "scroll down",
        false,
    ),
    HELP,
    QUIT,
];

/// `ccauth config`.
pub const CONFIG: &[Binding] = &[
    SELECT,
    UP,
    DOWN,
    bind(
        &[Key::Enter, Key::Char(' ')],
        Action::Choose,
        "enter",
        "change",
        true,
    ),
    BACK,
    HELP,
    QUIT,
];

/// The apiKeyHelper test.
pub const HELPER: &[Binding] = &[
    bind(&[Key::Char('y')], Action::Yes, "y", "trust and run", true),
    bind(&[Key::Char('r')], Action::RunAgain, "r", "run again", true),
    BACK,
    SCROLL_UP,
    SCROLL_DOWN,
    HELP,
    QUIT,
];

/// The apiKeyHelper test while the helper runs: Esc stops it.
pub const HELPER_RUNNING: &[Binding] = &[
    bind(&[Key::Esc], Action::Back, "esc", "stop", true),
    SCROLL_UP,
    SCROLL_DOWN,
    HELP,
    QUIT,
];

/// Logout.
pub const LOGOUT: &[Binding] = &[
    bind(&[Key::Char('y')], Action::Yes, "y", "log out", true),
    bind(&[Key::Enter], Action::Continue, "enter", "continue", true),
    bind(
        &[Key::Char('u')],
        Action::RemoveHelper,
        "u",
        "remove apiKeyHelper",
        true,
    ),
    bind(
        &[Key::Esc, Key::Char('n')],
        Action::Back,
        "esc",
        "back",
        true,
    ),
    HELP,
    QUIT,
];

/// The 3rd-party platform setup. Every printable key types into the field.
pub const PROVIDER: &[Binding] = &[
    bind(&[Key::Up, Key::Down], Action::Down, "↑↓", "pick", true),
    bind(&[Key::Tab], Action::NextField, "tab", "field", true),
    bind(&[Key::Enter], Action::Submit, "enter", "review", true),
    bind(
        &[Key::Ctrl('t')],
        Action::RunAgain,
        "ctrl-t",
        "check online",
        true,
    ),
    bind(&[Key::Esc], Action::Back, "esc", "back", true),
    HELP_F1,
    bind(&[Key::Ctrl('c')], Action::Quit, "ctrl-c", "quit", false),
];

/// The Cloud gateway check.
pub const GATEWAY: &[Binding] = &[
    bind(&[Key::Char('y')], Action::Yes, "y", "trust it", true),
    bind(
        &[Key::Char('r')],
        Action::RunAgain,
        "r",
        "check again",
        true,
    ),
    bind(&[Key::Enter], Action::Continue, "enter", "continue", true),
    BACK,
    HELP,
    QUIT,
];

/// The outcome of a save.
pub const OUTCOME: &[Binding] = &[
    WRITE_SETTINGS,
    CONTINUE,
    BACK,
    SCROLL_UP,
    SCROLL_DOWN,
    HELP,
    QUIT,
];

/// `w` writes the proposed settings change.
const WRITE_SETTINGS: Binding = bind(
    &[Key::Char('w')],
    Action::WriteSettings,
    "w",
    "write settings",
    true,
);
/// Enter goes on.
const CONTINUE: Binding = bind(&[Key::Enter], Action::Continue, "enter", "continue", true);

/// The outcome of a save (a key you have): the journey is over, so Esc finishes it as Enter
/// does, and says so.
pub const OUTCOME_SAVED: &[Binding] = &[
    WRITE_SETTINGS,
    CONTINUE,
    relabel(BACK, "finish"),
    SCROLL_UP,
    SCROLL_DOWN,
    HELP,
    QUIT,
];

/// What each way of running Claude Code means, under the dashboard's keys in the help overlay:
/// lines of at most 25 cells, so they fit beside the mode names at the smallest size (40
/// columns, less the border and the names' column). The wizard counts these lines to know how
/// far the overlay scrolls, so the view does not wrap them.
pub const MODES_HELP: &[(&str, &[&str])] = &[
    (
        "interactive",
        &[
            "claude in a terminal: an",
            "API key counts only once",
            "approved",
        ],
    ),
    (
        "claude -p",
        &["scripts: an", "ANTHROPIC_API_KEY is", "always used"],
    ),
    (
        "bare",
        &[
            "--bare or",
            "CLAUDE_CODE_SIMPLE: an",
            "API key, apiKeyHelper or",
            "cloud only",
        ],
    ),
];

/// How many columns of keys the help overlay has in a terminal `width` cells wide.
pub fn help_columns(width: u16) -> usize {
    if width.min(70) >= 52 { 2 } else { 1 }
}

/// Every table, for the checks over all of them.
pub const ALL: &[&[Binding]] = &[
    DASHBOARD,
    DASHBOARD_DETAILS,
    DASHBOARD_WARNINGS,
    SIGN_IN,
    SIGN_IN_DEVICE,
    PASTE_BOX,
    MENU,
    FORM,
    APPROVAL,
    CONFIG,
    HELPER,
    LOGOUT,
    OUTCOME,
    PROVIDER,
    GATEWAY,
];

/// The help bar of `table` where only the actions `offered` says do something right now are
/// listed: a bar never names a key that would do nothing.
pub fn bar(table: &'static [Binding], offered: impl Fn(Action) -> bool) -> Vec<&'static Binding> {
    table
        .iter()
        .filter(|binding| binding.in_bar && offered(binding.action))
        .collect()
}

/// The bindings of `actions` in `table`, in that order (a state's own bar).
pub fn bar_in_order(table: &'static [Binding], actions: &[Action]) -> Vec<&'static Binding> {
    actions
        .iter()
        .filter_map(|action| binding_for(table, *action))
        .collect()
}

/// The binding of `action` in `table`, if it has one with keys.
pub fn binding_for(table: &[Binding], action: Action) -> Option<&Binding> {
    table
        .iter()
        .find(|binding| binding.action == action && !binding.keys.is_empty())
}

/// An on-screen hint, from the table that handles the keys: `(CopyCode, "copies the code")`
/// becomes `c copies the code`; several are joined with ` · `. An action the table does not
/// bind is left out, so a hint can never name a key that does something else.
pub fn hint(table: &[Binding], parts: &[(Action, &str)]) -> String {
    parts
        .iter()
        .filter_map(|(action, words)| {
            binding_for(table, *action).map(|binding| format!("{} {words}", binding.shown))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The action `key` triggers in `table`, if any.
pub fn action_for(table: &[Binding], key: Key) -> Option<Action> {
    table
        .iter()
        .find(|binding| binding.keys.contains(&key))
        .map(|binding| binding.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice() {
        for table in ALL {
            let mut seen = std::collections::HashSet::new();
            for binding in *table {
                for key in binding.keys {
                    assert!(seen.insert(*key), "{key:?} is bound twice");
                }
            }
        }
    }

    #[test]
    fn ctrl_c_always_quits() {
        for table in ALL {
            assert_eq!(action_for(table, Key::Ctrl('c')), Some(Action::Quit));
        }
    }

    #[test]
    fn every_table_opens_the_help() {
        for table in ALL {
            if std::ptr::eq(*table, PASTE_BOX) {
                // The box takes `?` as text; Esc leaves it and the help is one key away.
                continue;
            }
            assert!(
                binding_for(table, Action::Help).is_some_and(|binding| binding.in_bar),
                "a table without a help key: {table:?}"
            );
        }
    }

    #[test]
    fn hints_name_the_key_that_does_it() {
        assert_eq!(
            hint(
                SIGN_IN_DEVICE,
                &[
                    (Action::CopyCode, "copies the code"),
                    (Action::CopyUrl, "the URL")
                ]
            ),
            "c copies the code · u the URL"
        );
        assert_eq!(
            hint(SIGN_IN, &[(Action::CopyUrl, "copies the URL")]),
            "c copies the URL"
        );
        assert_eq!(
            hint(FORM, &[(Action::CopyUrl, "never")]),
            "",
            "unbound: left out"
        );
    }
}
