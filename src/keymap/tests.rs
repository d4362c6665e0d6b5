use super::*;

fn table(pairs: &[(&str, &[&str])]) -> BindingTable {
    pairs
        .iter()
        .map(|(a, ks)| (a.to_string(), ks.iter().map(|k| k.to_string()).collect()))
        .collect()
}

fn global(pairs: &[(&str, &[&str])]) -> Bindings {
    Bindings {
        global: table(pairs),
        ..Default::default()
    }
}

fn ev(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn parses_key_names() {
    assert_eq!(Key::parse("j").unwrap().code, KeyCode::Char('j'));
    let k = Key::parse("Ctrl-d").unwrap();
    assert_eq!(
        (k.code, k.mods),
        (KeyCode::Char('d'), KeyModifiers::CONTROL)
    );
    assert_eq!(Key::parse("PgDn").unwrap().code, KeyCode::PageDown);
    assert_eq!(Key::parse("F5").unwrap().code, KeyCode::F(5));
    assert_eq!(Key::parse("-").unwrap().code, KeyCode::Char('-'));
    assert_eq!(Key::parse("G").unwrap().code, KeyCode::Char('G'));
    assert_eq!(Key::parse("Shift-o").unwrap(), Key::parse("O").unwrap());
    assert_eq!(Key::parse("Shift-Tab").unwrap().code, KeyCode::BackTab);
    assert!(Key::parse("Hyper-x").is_err());
    assert!(Key::parse("F99").is_err());
}

#[test]
fn shift_is_part_of_printable_keys() {
    let e = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(Key::from_event(&e), Key::parse("G").unwrap());
    let e = KeyEvent::new(
        KeyCode::Char('D'),
        KeyModifiers::CONTROL | KeyModifiers::SHIFT,
    );
    assert_eq!(Key::from_event(&e), Key::parse("Ctrl-d").unwrap());
}

#[test]
fn a_later_layer_replaces_an_actions_keys() {
    let defaults = global(&[("move_down", &["j"]), ("top", &["g"])]);
    let user = global(&[("top", &["t"])]);
    let map = Keymap::build(&[&defaults, &user]).unwrap();
    assert_eq!(map.action(Context::Tree, &ev('t')), Some(Action::Top));
    assert_eq!(map.action(Context::Tree, &ev('g')), None);
    assert_eq!(map.action(Context::Tree, &ev('j')), Some(Action::MoveDown));
}

#[test]
fn two_actions_on_one_key_in_a_context_name_both() {
    let defaults = global(&[("move_down", &["j"]), ("quit", &["q"])]);
    let user = global(&[("move_down", &["q"])]);
    let e = Keymap::build(&[&defaults, &user]).unwrap_err();
    assert!(
        e.message.contains("move_down") && e.message.contains("quit"),
        "{e}"
    );
    assert!(e.message.contains("\"q\""), "{e}");
    // Rebinding quit too resolves it.
    let user = global(&[("move_down", &["q"]), ("quit", &["Q"])]);
    let map = Keymap::build(&[&defaults, &user]).unwrap();
    assert_eq!(map.action(Context::Tree, &ev('q')), Some(Action::MoveDown));
}

#[test]
fn the_same_key_may_mean_different_things_in_different_contexts() {
    let mut b = global(&[("move_down", &["j"]), ("quit", &["q"])]);
    b.contexts
        .insert("help".into(), table(&[("close", &["q", "Esc"])]));
    let map = Keymap::build(&[&b]).unwrap();
    assert_eq!(map.action(Context::Tree, &ev('q')), Some(Action::Quit));
    assert_eq!(map.action(Context::Help, &ev('q')), Some(Action::Close));
    // A context section overrides the global keys of that action there only.
    let mut user = Bindings::default();
    user.contexts
        .insert("buckets".into(), table(&[("move_down", &["n"])]));
    let map = Keymap::build(&[&b, &user]).unwrap();
    assert_eq!(
        map.action(Context::Buckets, &ev('n')),
        Some(Action::MoveDown)
    );
    assert_eq!(map.action(Context::Buckets, &ev('j')), None);
    assert_eq!(map.action(Context::Tree, &ev('j')), Some(Action::MoveDown));
}

#[test]
fn keys_a_context_keeps_are_refused() {
    let copy = Bindings {
        copy: table(&[("uri", &["Esc"])]),
        ..Default::default()
    };
    let e = Keymap::build(&[&copy]).unwrap_err();
    assert!(
        e.message.contains("never fire") && e.message.contains("Esc"),
        "{e}"
    );
    let mut prompt = Bindings::default();
    prompt
        .contexts
        .insert("prompt".into(), table(&[("submit", &["x"])]));
    let e = Keymap::build(&[&prompt]).unwrap_err();
    assert!(e.message.contains("type into the prompt"), "{e}");
    let e = Keymap::build(&[&global(&[("help", &["Ctrl-c"])])]).unwrap_err();
    assert!(e.message.contains("Ctrl-c"), "{e}");
}

#[test]
fn unknown_names_and_misplaced_actions_are_errors() {
    assert!(Keymap::build(&[&global(&[("fly", &["f"])])]).is_err());
    let mut b = Bindings::default();
    b.contexts.insert("attic".into(), table(&[("top", &["g"])]));
    let e = Keymap::build(&[&b]).unwrap_err();
    assert_eq!(e.name, "attic");
    let mut b = Bindings::default();
    b.contexts
        .insert("help".into(), table(&[("sort_cycle", &["o"])]));
    let e = Keymap::build(&[&b]).unwrap_err();
    assert!(e.message.contains("does nothing in the help"), "{e}");
}

#[test]
fn the_default_keymap_has_no_conflicts() {
    let text = crate::config::DEFAULT_KEYMAP;
    let v: toml::Table = toml::from_str(text).unwrap();
    let table =
        |name: &str| -> Option<BindingTable> { v.get(name).map(|c| c.clone().try_into().unwrap()) };
    let contexts = v.get("context").and_then(|k| k.as_table());
    let b = Bindings::from_toml(table("keys"), contexts, table("copy")).unwrap();
    let map = Keymap::build(&[&b]).unwrap();
    for ctx in [Context::Buckets, Context::Tree, Context::Inspector] {
        assert_eq!(map.action(ctx, &ev('q')), Some(Action::Quit));
        assert_eq!(map.action(ctx, &ev('?')), Some(Action::Help));
    }
    assert_eq!(map.action(Context::Help, &ev('q')), Some(Action::Close));
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(map.action(Context::Prompt, &esc), Some(Action::Cancel));
}

fn default_map() -> Keymap {
    let text = crate::config::DEFAULT_KEYMAP;
    let v: toml::Table = toml::from_str(text).unwrap();
    let table =
        |name: &str| -> Option<BindingTable> { v.get(name).map(|c| c.clone().try_into().unwrap()) };
    let contexts = v.get("context").and_then(|k| k.as_table());
    let b = Bindings::from_toml(table("keys"), contexts, table("copy")).unwrap();
    Keymap::build(&[&b]).unwrap()
}

#[test]
fn questions_have_their_own_keys_where_q_and_esc_are_no() {
    let map = default_map();
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    let q = Context::Question;
    assert_eq!(map.action(q, &ev('q')), Some(Action::No));
    assert_eq!(map.action(q, &esc), Some(Action::No));
    assert_eq!(map.action(q, &ev('y')), Some(Action::Yes));
    assert_eq!(map.action(q, &enter), Some(Action::Confirm));
    assert_eq!(map.action(q, &ev('o')), Some(Action::Overwrite));
    assert_eq!(map.action(q, &ev('k')), Some(Action::KeepBoth));
    assert_eq!(map.action(q, &ev('?')), Some(Action::Help));
    // The quit question keeps its own keys.
    assert_eq!(map.action(Context::Confirm, &ev('q')), Some(Action::Yes));
    for ctx in [Context::Transfers, Context::Versions, Context::Share] {
        assert_eq!(map.action(ctx, &ev('?')), Some(Action::Help), "{ctx:?}");
    }
}

#[test]
fn q_esc_or_enter_cannot_go_ahead_in_a_question() {
    let question = |action: &str, key: &str| {
        let mut b = Bindings::default();
        b.contexts
            .insert("question".into(), table(&[(action, &[key])]));
        Keymap::build(&[&b])
    };
    for (action, key) in [
        ("yes", "q"),
        ("yes", "Esc"),
        ("confirm", "q"),
        ("overwrite", "Esc"),
        ("keep_both", "q"),
        ("yes", "Enter"),
        ("overwrite", "Enter"),
        ("skip_identical", "Enter"),
    ] {
        let e = question(action, key).unwrap_err();
        assert_eq!(e.name, action);
        assert!(
            e.message.contains(&format!("{action} = {key:?}")),
            "{}",
            e.message
        );
    }
    // A global binding reaches the question too.
    let e = Keymap::build(&[&global(&[("yes", &["y", "q"])])]).unwrap_err();
    assert!(e.message.contains("question"), "{e}");
    // No and cancel may have them; skip may have Enter.
    assert!(question("no", "q").is_ok());
    assert!(question("cancel_job", "Esc").is_ok());
    assert!(question("skip", "Enter").is_ok());
}
