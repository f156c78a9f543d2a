//! Questions in line mode, built from the screens' own data so both ask the same thing and
//! check it the same way: a menu becomes numbered choices, a form's fields become prompts (a
//! secret field is read with the echo off), a proposed change becomes a yes/no.
//!
//! On a terminal a refused answer is asked again, with the mistake named; from a pipe or a file
//! there is no one to ask, so the first refusal ends the journey with the mistake.

use std::io::Write;

use super::input::{Input, Stop};
use crate::wizard::form::Form;
use crate::wizard::menu::{Choice, Menu};
use crate::wizard::provider::PickField;

/// Prints `text` and flushes (a prompt has no newline).
fn say(out: &mut dyn Write, text: &str) {
    let _ = write!(out, "{text}");
    let _ = out.flush();
}

/// The next answer. From a pipe or a file nothing echoes it, so it is written after the
/// question (a secret only as a line end), keeping the transcript readable.
fn answer(
    input: &mut Input,
    out: &mut dyn Write,
    question: &str,
    secret: bool,
) -> Result<String, Stop> {
    let answer = if secret {
        input.secret(&mut || say(out, question))
    } else {
        say(out, question);
        input.line()
    };
    if !input.is_terminal() || secret || answer.is_err() {
        // Never a key in clear, even one typed where it does not belong.
        let shown = match &answer {
            Ok(text) if !secret && crate::domain::keys::looks_like_key(text.trim()) => {
                crate::domain::secret::mask(text.trim())
            }
            Ok(text) if !secret => safe(text),
            _ => String::new(),
        };
        let _ = writeln!(out, "{shown}");
    }
    answer
}

/// A refused answer: said, then asked again on a terminal, or the end of the journey.
///
/// # Errors
/// [`Stop::Refused`] with `why` when standard input is not a terminal.
pub fn refused(input: &Input, out: &mut dyn Write, why: &str) -> Result<(), Stop> {
    if input.is_terminal() {
        let _ = writeln!(out, "  ✘ {why}");
        Ok(())
    } else {
        Err(Stop::Refused(why.to_owned()))
    }
}

/// Text read from a file, the environment or a child, made safe to print: control characters
/// shown as `?`.
pub fn safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The menu as numbered rows (a blocked row says why), then the number chosen; Enter alone
/// takes the menu's selected row.
///
/// # Errors
/// No answer, or (not on a terminal) an answer that is not an allowed row.
pub fn choose(input: &mut Input, out: &mut dyn Write, menu: &Menu) -> Result<Choice, Stop> {
    let _ = writeln!(out, "\n{}", menu.title());
    for note in &menu.notes {
        let _ = writeln!(out, "{note}");
    }
    for (index, item) in menu.items.iter().enumerate() {
        let _ = writeln!(out, "  {}. {}", index + 1, item.title);
        let _ = writeln!(out, "     {}", item.detail);
        if let Some(why) = &item.blocked {
            let _ = writeln!(out, "     (not available: {why})");
        }
    }
    let count = menu.items.len();
    loop {
        let question = format!("Choose 1-{count} [{}]: ", menu.selected.saturating_add(1));
        let answer = answer(input, out, &question, false)?;
        let answer = answer.trim();
        let index = if answer.is_empty() {
            Some(menu.selected)
        } else {
            answer
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .filter(|n| *n < count)
        };
        let Some(item) = index.and_then(|index| menu.items.get(index)) else {
            refused(
                input,
                out,
                &format!(
                    "\"{}\" is not one of the choices: type a number from 1 to {count}",
                    safe(answer)
                ),
            )?;
            continue;
        };
        if let Some(why) = &item.blocked {
            refused(
                input,
                out,
                &format!("{} is not available: {why}", item.title),
            )?;
            continue;
        }
        return Ok(item.choice);
    }
}

/// Asks each field of `form` in turn (a secret one with the echo off), checked as the screen
/// checks it when Enter leaves the field. Enter alone keeps what the field holds.
///
/// # Errors
/// No answer, Ctrl-C, or (not on a terminal) a refused answer.
pub fn fill(input: &mut Input, out: &mut dyn Write, form: &mut Form) -> Result<(), Stop> {
    let _ = writeln!(out, "\n{}", form.title());
    for index in 0..form.fields.len() {
        field(input, out, form, index)?;
    }
    Ok(())
}

/// Asks field `index` of `form` until its answer passes (or, with `why`, says first why the
/// saved answer was refused).
///
/// # Errors
/// As [`fill`].
pub fn field(
    input: &mut Input,
    out: &mut dyn Write,
    form: &mut Form,
    index: usize,
) -> Result<(), Stop> {
    let Some(field) = form.fields.get(index) else {
        return Ok(());
    };
    let (label, hint, secret, optional) = (field.label, field.hint, field.secret, field.optional);
    let _ = writeln!(out, "  {hint}");
    loop {
        let current = form.value(index).to_owned();
        let shown = if secret || current.is_empty() {
            String::new()
        } else {
            format!(" [{current}]")
        };
        let note = match (secret && input.is_terminal(), optional) {
            (true, _) => " (typing is hidden)",
            (false, true) => " (optional, Enter to skip)",
            (false, false) => "",
        };
        let answer = answer(input, out, &format!("{label}{note}{shown}: "), secret)?;
        let answer = if answer.trim().is_empty() {
            current
        } else {
            answer
        };
        match form.answer(index, &answer) {
            Ok(()) => {
                if secret {
                    let _ = writeln!(
                        out,
                        "  received {}",
                        crate::domain::secret::mask(form.value(index))
                    );
                }
                return Ok(());
            }
            Err(why) => refused(input, out, &why)?,
        }
    }
}

/// A yes/no question; Enter alone is no.
///
/// # Errors
/// No answer, or (not on a terminal) an answer that is neither.
pub fn confirm(input: &mut Input, out: &mut dyn Write, question: &str) -> Result<bool, Stop> {
    loop {
        let answer = answer(input, out, &format!("{question} [y/N]: "), false)?;
        match answer.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => return Ok(true),
            "" | "n" | "no" => return Ok(false),
            other => refused(input, out, &format!("\"{}\": answer y or n", safe(other)))?,
        }
    }
}

/// A field of a platform setup: its picks numbered, then a number, a value typed, or Enter
/// for what it holds. Answers the value.
///
/// # Errors
/// No answer.
pub fn pick(input: &mut Input, out: &mut dyn Write, field: &PickField) -> Result<String, Stop> {
    let _ = writeln!(out, "  {}", safe(&field.hint));
    for (index, pick) in field.picks.iter().enumerate() {
        let unusable = if pick.usable {
            ""
        } else {
            " (does not work as it is)"
        };
        let detail = if pick.detail.is_empty() {
            String::new()
        } else {
            format!(" — {}", safe(&pick.detail))
        };
        let _ = writeln!(
            out,
            "    {}. {}{detail}{unusable}",
            index + 1,
            safe(&pick.value)
        );
    }
    let current = field.text().to_owned();
    let shown = if current.is_empty() {
        String::new()
    } else {
        format!(" [{}]", safe(&current))
    };
    let how = match (field.picks.is_empty(), current.is_empty()) {
        (true, true) => "",
        (true, false) => " (- for none)",
        (false, true) => " (a number, or type a value)",
        (false, false) => " (a number, a value, or - for none)",
    };
    let answer = answer(input, out, &format!("{}{how}{shown}: ", field.label), false)?;
    let answer = answer.trim();
    if answer.is_empty() {
        return Ok(current);
    }
    if answer == "-" {
        return Ok(String::new());
    }
    if let Some(pick) = answer
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|n| field.picks.get(n))
    {
        return Ok(pick.value.clone());
    }
    Ok(answer.to_owned())
}
