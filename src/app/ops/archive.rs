//! `T` (restore archived objects) and `C` (change the storage class) on
//! the selection: a prompt for what the command line takes as flags
//! (days and tier; the class, Tab completing it), then the question built
//! from a complete listing ([`crate::app::question::archive`]).

use super::Here;
use crate::app::cx::Cx;
use crate::app::note::Note;
use crate::app::prompt::{Prompt, PromptKind};
use crate::app::prompt_work::Pending;
use crate::app::question::archive::preview;
use crate::plan::archive::CLASSES;
use crate::plan::archive::Goal;
use crate::store::Versioning;
use crate::store::archive::Tier;

const THAW_LABEL: &str = "Restore for (days, tier): ";
const THAW_HINT: &str = "days 1–36500 · tier: standard (GLACIER 3–5 h, DEEP_ARCHIVE 12 h), \
     bulk (cheapest, 5–48 h), expedited (GLACIER only, minutes)";
const CLASS_LABEL: &str = "Storage class: ";

fn pending(here: &Here) -> Option<Pending> {
    (!here.selection.is_empty()).then(|| Pending {
        bucket: here.bucket.clone(),
        sources: here.selection.clone(),
        prefix: String::new(),
    })
}

pub(super) fn ask_thaw(cx: &mut Cx, here: &Here) {
    let Some(target) = pending(here) else {
        cx.status("Nothing selected to restore");
        return;
    };
    let mut p = Prompt::new(PromptKind::Thaw, THAW_LABEL, "7 standard").with_work(target);
    p.note = Some(THAW_HINT.into());
    cx.note(Note::Prompt(Box::new(p)));
}

pub(super) fn ask_class(cx: &mut Cx, here: &Here) {
    let Some(target) = pending(here) else {
        cx.status("Nothing selected to change");
        return;
    };
    let mut p = Prompt::new(PromptKind::Class, CLASS_LABEL, "").with_work(target);
    p.note = Some(class_hint());
    cx.note(Note::Prompt(Box::new(p)));
}

fn class_hint() -> String {
    format!("{} (Tab completes)", CLASSES.join(" · "))
}

/// "7 standard", "bulk 30", "3": days and tier in any order; what is left
/// out keeps its default (7 days, Standard).
pub fn parse_thaw(typed: &str) -> Result<(i32, Tier), String> {
    let (mut days, mut tier) = (7, Tier::Standard);
    for word in typed.split(|c: char| c.is_whitespace() || c == ',') {
        let word = word.trim();
        if word.is_empty() || word.eq_ignore_ascii_case("days") || word == "day" {
            continue;
        }
        let number = ["days", "day", "d"]
            .iter()
            .find_map(|s| word.strip_suffix(s))
            .unwrap_or(word);
        if let Ok(n) = number.parse::<i64>() {
            if !(1..=36500).contains(&n) {
                return Err("days: from 1 to 36500".into());
            }
            days = n as i32;
        } else if let Some(t) = Tier::parse(word) {
            tier = t;
        } else {
            return Err(format!(
                "{}: not a number of days or a tier (standard, bulk, expedited)",
                crate::sanitize::clean(word)
            ));
        }
    }
    Ok((days, tier))
}

/// The class typed, in S3's spelling, if it is one.
pub fn parse_class(typed: &str) -> Option<&'static str> {
    let t = typed.trim().to_ascii_uppercase().replace([' ', '-'], "_");
    CLASSES.into_iter().find(|c| *c == t)
}

/// The prompt again, with why the answer was refused under it.
fn again(cx: &mut Cx, kind: PromptKind, label: &str, typed: &str, why: String, p: Pending) {
    let mut prompt = Prompt::new(kind, label, typed);
    prompt.note = Some(why.clone());
    cx.note(Note::Prompt(Box::new(prompt.with_work(p))));
    cx.status(why);
}

pub(super) fn submit_thaw(cx: &mut Cx, typed: &str, p: Pending) {
    match parse_thaw(typed) {
        Ok((days, tier)) => {
            let q = preview(cx, Goal::Thaw { days, tier }, p.bucket, p.sources, None);
            cx.note(Note::Ask(Box::new(q)));
        }
        Err(why) => again(cx, PromptKind::Thaw, THAW_LABEL, typed, why, p),
    }
}

pub(super) fn submit_class(cx: &mut Cx, typed: &str, p: Pending, versioning: Option<Versioning>) {
    match parse_class(typed) {
        Some(to) => {
            let goal = Goal::Class { to: to.to_owned() };
            let q = preview(cx, goal, p.bucket, p.sources, versioning);
            cx.note(Note::Ask(Box::new(q)));
        }
        None => {
            let why = format!("Not a storage class: {}", class_hint());
            again(cx, PromptKind::Class, CLASS_LABEL, typed, why, p)
        }
    }
}

/// Tab in the class prompt: completes the class typed (any case).
pub fn complete_class(p: &mut Prompt) {
    let upper = p.value().to_ascii_uppercase();
    p.input = tui_input::Input::new(upper.clone()).with_cursor(upper.chars().count());
    let all: Vec<String> = CLASSES.iter().map(|c| (*c).to_owned()).collect();
    p.complete_from(&all);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_tier_in_any_order_with_defaults() {
        assert_eq!(parse_thaw("7 standard"), Ok((7, Tier::Standard)));
        assert_eq!(parse_thaw("bulk, 30 days"), Ok((30, Tier::Bulk)));
        assert_eq!(parse_thaw("3d"), Ok((3, Tier::Standard)));
        assert_eq!(parse_thaw("Expedited"), Ok((7, Tier::Expedited)));
        assert!(parse_thaw("0").is_err());
        assert!(parse_thaw("7 fast").is_err());
    }

    #[test]
    fn classes_in_any_spelling() {
        assert_eq!(parse_class("standard-ia"), Some("STANDARD_IA"));
        assert_eq!(parse_class(" glacier_ir "), Some("GLACIER_IR"));
        assert_eq!(parse_class("COLD"), None);
        let mut p = Prompt::new(PromptKind::Class, CLASS_LABEL, "deep");
        complete_class(&mut p);
        assert_eq!(p.value(), "DEEP_ARCHIVE");
        let mut p = Prompt::new(PromptKind::Class, CLASS_LABEL, "st");
        complete_class(&mut p);
        assert_eq!(p.value(), "STANDARD");
        let mut p = Prompt::new(PromptKind::Class, CLASS_LABEL, "standard_");
        complete_class(&mut p);
        assert_eq!(p.value(), "STANDARD_IA");
    }
}
