//! Snapshots of the dashboard with ratatui's `TestBackend`: at 80×24, at the minimum size, below
//! it, with the help and details open, and the `NO_COLOR` theme.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use super::{Theme, render};
use crate::claude::fixtures::{Builder, NOW};
use crate::claude::precedence::{Mode, SourceId};
use crate::status::Status;
use crate::wizard::{Key, Model, Msg, update};

fn model_for(builder: &Builder, width: u16, height: u16) -> Model {
    let (mut model, _) = Model::new(Mode::Interactive, width, height);
    update(
        &mut model,
        Msg::Loaded {
            attempt: 1,
            status: Box::new(Status::from_world(builder.world.clone(), NOW)),
        },
    );
    model
}

fn draw(model: &Model, theme: &Theme) -> Terminal<TestBackend> {
    let mut terminal =
        Terminal::new(TestBackend::new(model.width, model.height)).expect("test backend");
    terminal
        .draw(|frame| render(model, theme, frame))
        .expect("draw");
    terminal
}

fn screen(model: &Model) -> String {
    draw(model, &Theme::color()).backend().to_string()
}

/// A subscription login, an undecided API key in the shell and a base URL: the common
/// "why is my bill odd" machine.
fn typical() -> Builder {
    Builder::new()
        .source(SourceId::ApiKey)
        .source(SourceId::Subscription)
        .plain("ANTHROPIC_BASE_URL", "https://llm.example.com")
}

#[test]
fn dashboard_80x24() {
    insta::assert_snapshot!(screen(&model_for(&typical(), 80, 24)));
}

#[test]
fn dashboard_80x24_print_mode() {
    let mut model = model_for(&typical(), 80, 24);
    update(&mut model, Msg::Key(Key::Char('m')));
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn dashboard_minimum_size() {
    insta::assert_snapshot!(screen(&model_for(&typical(), 40, 12)));
}

#[test]
fn dashboard_minimum_size_warnings() {
    let mut model = model_for(&typical(), 40, 12);
    update(&mut model, Msg::Key(Key::Tab));
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn below_minimum_says_the_size_needed() {
    let text = screen(&model_for(&typical(), 60, 11));
    assert!(
        text.contains("Enlarge the terminal to 40×12 (now 60×11)"),
        "{text}"
    );
    insta::assert_snapshot!(screen(&model_for(&typical(), 39, 12)));
}

#[test]
fn no_credential() {
    insta::assert_snapshot!(screen(&model_for(&Builder::new(), 80, 24)));
}

#[test]
fn help_overlay() {
    let mut model = model_for(&typical(), 80, 24);
    update(&mut model, Msg::Key(Key::Char('?')));
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn details_full_screen() {
    let mut model = model_for(&typical(), 80, 24);
    update(&mut model, Msg::Key(Key::Enter));
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn loading() {
    let (model, _) = Model::new(Mode::Interactive, 80, 24);
    let text = screen(&model);
    assert!(text.contains("Reading Claude Code's configuration"));
}

#[test]
fn no_color_draws_without_any_colour() {
    let model = model_for(&typical(), 80, 24);
    let terminal = draw(&model, &Theme::mono());
    let buffer = terminal.backend().buffer();
    for cell in &buffer.content {
        assert_eq!(cell.fg, Color::Reset, "a foreground colour with NO_COLOR");
        assert_eq!(cell.bg, Color::Reset, "a background colour with NO_COLOR");
    }
    // The same text as in colour: only the styling differs.
    assert_eq!(terminal.backend().to_string(), screen(&model));
    // And the colour theme does use colour.
    let coloured = draw(&model, &Theme::color());
    assert!(
        coloured
            .backend()
            .buffer()
            .content
            .iter()
            .any(|cell| cell.fg != Color::Reset)
    );
}

#[test]
fn never_panics_at_any_size() {
    let mut model = model_for(&typical(), 1, 1);
    for (width, height) in [
        (1, 1),
        (2, 1),
        (1, 40),
        (39, 11),
        (40, 12),
        (41, 13),
        (79, 19),
        (80, 20),
        (300, 100),
    ] {
        model.width = width;
        model.height = height;
        for panel_key in [None, Some(Key::Char('?')), Some(Key::Enter), Some(Key::Tab)] {
            let mut model = model.clone();
            if let Some(key) = panel_key {
                update(&mut model, Msg::Key(key));
            }
            let _ = screen(&model);
        }
    }
}
