//! The deploy lab's checks. Run them with `cargo test -p lab-deploy`, or
//! press `g` on the lab in the workbench.

use lab_deploy::batch::{BatchError, score_batch};
use lab_deploy::ready::{Canary, Health, LoadedModel, Reason, readiness};
use lab_deploy::request::{JSON_CHARSET, JSON_CONTENT_TYPE, RequestError, from_json, from_raw};
use lab_deploy::swap::Slot;
use lab_deploy::validate::{FieldError, Limits, check};
use lab_gather::normalise::clean;
use lab_gather::report::Status;
use ninety_grader::{Check, Lab, check_eq, ensure};
use ninety_kit::records::gather::model_text;
use ninety_kit::records::serve::PredictRequest;
use std::cell::Cell;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

fn main() -> ExitCode {
    Lab::new("deploy")
        .check(
            Check::new("validate.check", 3, validate)
                .idea(
                    "A contract refuses what does not fit it and says which field and why \
                     ('Contracts and validation'): a header field is one line, sizes have \
                     limits, and there must be something to score.",
                )
                .approach(
                    "Look at subject, then from, with the given header_problem and their \
                     limits; then the body's length in characters; then refuse a request \
                     whose body and subject are both blank.",
                )
                .hint(
                    "check: if let Some(p) = subject.and_then(|s| header_problem(s, \
                     max_subject_chars)) return Err(FieldError::new(\"subject\", p)); the \
                     same for from; body.chars().count() > max_body_chars; then \
                     body.trim().is_empty() && subject.is_none_or(|s| s.trim().is_empty())",
                ),
        )
        .check(
            Check::new("request.from_json", 3, json)
                .idea(
                    "A JSON request is a message in parts; its text must be laid out, and its \
                     body cleaned, exactly as training's texts were ('The request is not the \
                     training row').",
                )
                .approach(
                    "Validate first; then clean the body with the gather lab's cleaning and \
                     lay the text out with the kit's model_text, saying plain text in UTF-8.",
                )
                .hint(
                    "from_json: check(request, limits)?; model_text(subject.as_deref(), \
                     from.as_deref(), JSON_CONTENT_TYPE, Some(JSON_CHARSET), \
                     Some(&clean(&request.body)))",
                ),
        )
        .check(
            Check::new("request.from_raw_has_no_skew", 4, raw_no_skew)
                .idea(
                    "The served text of a raw message must be the very text training read \
                     for it; the one sure way is to call the steps training called, in \
                     their order ('Proving there is no skew').",
                )
                .approach(
                    "Parse with the kit, choose the body with your gather lab's choose_body, \
                     clean it with your clean, and lay it out from the parsed subject, \
                     sender, content type and charset; refuse what does not parse and a \
                     blank body.",
                )
                .hint(
                    "from_raw: let mail = parse(raw).ok_or(NotAMessage)?; let body = \
                     choose_body(&mail).map(|b| clean(&b.text)).filter(|b| \
                     !b.trim().is_empty()).ok_or(NoText)?; model_text(mail.subject, \
                     mail.from, &mail.content_type, mail.charset, Some(&body))",
                ),
        )
        .check(
            Check::new("ready.readiness", 3, ready)
                .idea(
                    "Readiness asks 'should traffic come here now?', not 'is the model \
                     good?': the gates settled that before promotion ('Alive, ready, and \
                     good enough').",
                )
                .approach(
                    "Collect the reasons in the order of Reason's variants: stopping, no \
                     model, a canary that scored differently here, a log writer that \
                     stopped. A failed gate, a model never promoted or a missing canary are \
                     not reasons.",
                )
                .hint(
                    "readiness: push Draining if draining; NoModel if model is None; \
                     CanaryDiffers {served, offline} if model.canary is Differs; \
                     LogWriterStopped if !log_writer_alive",
                ),
        )
        .check(
            Check::new("swap.slot", 3, slot)
                .idea(
                    "A hot swap changes a pointer, not a model: each request keeps the model \
                     it started with, and the slot is never empty between two models \
                     ('Hot swap and rollback').",
                )
                .approach(
                    "Load copies the Arc out under a read lock; replace builds the new Arc \
                     first and exchanges it with the old under one write lock, returning \
                     the old.",
                )
                .hint(
                    "load: self.current.read().unwrap_or_else(|e| e.into_inner()).clone(); \
                     replace: let next = Arc::new(next); let mut g = \
                     self.current.write()...; g.replace(next)",
                ),
        )
        .check(
            Check::new("batch.score_batch", 3, batch)
                .idea(
                    "A batch is one answer: checked whole before anything is scored, scored \
                     by one model in order, even if the model is swapped half-way \
                     ('Batches').",
                )
                .approach(
                    "Refuse an empty or oversized batch, turn every message into its text \
                     (naming the first that fails by its position), load the model once, \
                     then score the texts in order with it.",
                )
                .hint(
                    "score_batch: Empty / TooMany { count, max }; texts via \
                     from_json(m, limits).map_err(|error| Message { index, error }) \
                     collected into a Result; let model = slot.load().ok_or(NoModel)?; \
                     texts.iter().map(|t| score(&model, t))",
                ),
        )
        // BEGIN HIDDEN TESTS
        .check(
            Check::new("hidden.request_edges", 2, hidden_request_edges)
                .idea(
                    "Requests arrive in every shape: an mbox line before the headers, an \
                     HTML-only message, a subject and nothing else, characters beyond ASCII.",
                )
                .approach(
                    "Work each function by hand on those inputs and compare with what its \
                     documentation promises, counting characters, not bytes.",
                )
                .hint("look again at characters against bytes, tabs, and subject-only requests"),
        )
        .check(
            Check::new("hidden.serving_edges", 2, hidden_serving_edges)
                .idea(
                    "Serving code must hold at its edges: a batch of exactly the limit, every \
                     reason at once, a model that is not Clone.",
                )
                .approach(
                    "Check a batch of max and of max + 1, a health with everything wrong, \
                     and models held across swaps.",
                )
                .hint("look again at each function's documentation, edge by edge"),
        )
        // END HIDDEN TESTS
        .run()
}

fn request(subject: Option<&str>, from: Option<&str>, body: &str) -> PredictRequest {
    PredictRequest {
        subject: subject.map(str::to_owned),
        from: from.map(str::to_owned),
        body: body.to_owned(),
    }
}

fn field(result: Result<(), FieldError>) -> Option<&'static str> {
    result.err().map(|e| e.field)
}

fn validate() -> Result<(), String> {
    let limits = Limits {
        max_subject_chars: 20,
        max_from_chars: 10,
        max_body_chars: 30,
    };
    let ok = request(Some("Lunch"), Some("ann@x.org"), "See you at noon.");
    check_eq!("a plain request", None, field(check(&ok, &limits)));
    let cases: [(&str, PredictRequest, Option<&str>); 9] = [
        (
            "a subject of 21 characters",
            request(Some("abcdefghijklmnopqrstu"), None, "hi"),
            Some("subject"),
        ),
        (
            "a subject with a line break",
            request(Some("Hi\nBcc: all@x.org"), None, "hi"),
            Some("subject"),
        ),
        (
            "a sender with a carriage return",
            request(None, Some("a@x\rb"), "hi"),
            Some("from"),
        ),
        (
            "a sender with a NUL",
            request(None, Some("a\u{0}b"), "hi"),
            Some("from"),
        ),
        (
            "a sender of 11 characters",
            request(None, Some("abcdefghijk"), "hi"),
            Some("from"),
        ),
        (
            "a body of 31 characters",
            request(None, None, &"x".repeat(31)),
            Some("body"),
        ),
        (
            "a blank body and no subject",
            request(None, None, " \n\t "),
            Some("body"),
        ),
        (
            "a blank body and a blank subject",
            request(Some("  "), None, ""),
            Some("body"),
        ),
        (
            "a bad subject and a bad body: the subject first",
            request(Some("a\nb"), None, ""),
            Some("subject"),
        ),
    ];
    for (what, r, expected) in cases {
        check_eq!(what, expected, field(check(&r, &limits)));
    }
    check_eq!(
        "a blank body with a subject (something to score)",
        None,
        field(check(&request(Some("Win now"), None, ""), &limits))
    );
    check_eq!(
        "a body of exactly 30 characters",
        None,
        field(check(&request(None, None, &"y".repeat(30)), &limits))
    );
    let e = check(&request(Some("a\nb"), None, "x"), &limits).unwrap_err();
    ensure!(
        e.problem.contains("line break"),
        "the subject's problem should be the given header_problem's text; got `{}`",
        e.problem
    );
    Ok(())
}

fn json() -> Result<(), String> {
    let limits = Limits::default();
    let body = "Hello Ann,  \r\n\r\n\r\n\r\nThe patch is attached.\t\r\n-- \r\nBo\r\n";
    let r = request(Some("Re: patch"), Some("Bo <bo@x.org>"), body);
    let expected = model_text(
        Some("Re: patch"),
        Some("Bo <bo@x.org>"),
        JSON_CONTENT_TYPE,
        Some(JSON_CHARSET),
        Some(&clean(body)),
    );
    check_eq!(
        "a request with a CRLF body",
        Ok(expected),
        from_json(&r, &limits)
    );
    let r = request(None, None, "just a body");
    let expected = model_text(
        None,
        None,
        JSON_CONTENT_TYPE,
        Some(JSON_CHARSET),
        Some("just a body"),
    );
    check_eq!("a body alone", Ok(expected), from_json(&r, &limits));
    let bad = request(Some("x\ny"), None, "body");
    ensure!(
        matches!(
            from_json(&bad, &limits),
            Err(RequestError::Field(FieldError {
                field: "subject",
                ..
            }))
        ),
        "a subject with a line break must be refused with the subject's FieldError, got {:?}",
        from_json(&bad, &limits)
    );
    Ok(())
}

fn mini_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/mini")
}

fn raw_no_skew() -> Result<(), String> {
    let corpus = ninety_kit::Corpus::open("mini", &mini_root()).map_err(|e| e.to_string())?;
    let out = lab_gather::stage::gather(&corpus, &mut |_, _| {}).map_err(|e| e.to_string())?;
    let mut compared = 0;
    for m in out.messages.iter().filter(|m| m.status == Status::Clean) {
        let entry = corpus
            .entries
            .iter()
            .find(|e| e.path == m.path)
            .ok_or_else(|| format!("{} is not in the corpus", m.path))?;
        let raw = corpus.read(entry).map_err(|e| e.to_string())?;
        let served = from_raw(&raw.bytes).map_err(|e| format!("{}: {e}", m.path))?;
        if served != m.text() {
            return Err(format!(
                "{}: the served text differs from the text training read for it.\n\
                 training: {:?}\nserved:   {:?}",
                m.path,
                m.text().chars().take(300).collect::<String>(),
                served.chars().take(300).collect::<String>()
            ));
        }
        compared += 1;
    }
    ensure!(compared >= 50, "only {compared} clean messages compared");
    check_eq!(
        "bytes that are not a message",
        Err(RequestError::NotAMessage),
        from_raw(b"   \n\n  ")
    );
    check_eq!(
        "a message whose body is blank",
        Err(RequestError::NoText),
        from_raw(b"Subject: hello\nFrom: a@x.org\n\n   \n\n")
    );
    Ok(())
}

fn model(canary: Canary, gate_passed: bool, promoted: bool) -> Option<LoadedModel> {
    Some(LoadedModel {
        id: "0123456789abcdef".to_owned(),
        gate_passed,
        promoted,
        canary,
    })
}

fn ready() -> Result<(), String> {
    let health = |model, draining, log_writer_alive| Health {
        model,
        draining,
        log_writer_alive,
    };
    check_eq!(
        "a matched model, running, logging",
        Vec::<Reason>::new(),
        readiness(&health(model(Canary::Matched, true, true), false, true))
    );
    check_eq!(
        "no model",
        vec![Reason::NoModel],
        readiness(&health(None, false, true))
    );
    check_eq!(
        "draining",
        vec![Reason::Draining],
        readiness(&health(model(Canary::Matched, true, true), true, true))
    );
    let differs = Canary::Differs {
        served: 0.25,
        offline: 0.75,
    };
    check_eq!(
        "a canary that scores differently",
        vec![Reason::CanaryDiffers {
            served: 0.25,
            offline: 0.75
        }],
        readiness(&health(model(differs, true, true), false, true))
    );
    check_eq!(
        "a stopped log writer",
        vec![Reason::LogWriterStopped],
        readiness(&health(model(Canary::Matched, true, true), false, false))
    );
    check_eq!(
        "a model whose gates failed, never promoted (the gates' question, not readiness's)",
        Vec::<Reason>::new(),
        readiness(&health(model(Canary::Matched, false, false), false, true))
    );
    check_eq!(
        "a model registered without a canary",
        Vec::<Reason>::new(),
        readiness(&health(model(Canary::Missing, true, true), false, true))
    );
    Ok(())
}

fn slot() -> Result<(), String> {
    let slot: Slot<u32> = Slot::new(None);
    check_eq!("an empty slot", None, slot.load().map(|m| *m));
    check_eq!("the first replace", None, slot.replace(1).map(|m| *m));
    let held = slot.load();
    check_eq!(
        "the second replace gives back",
        Some(1),
        slot.replace(2).map(|m| *m)
    );
    check_eq!(
        "a load taken before a swap keeps its model",
        Some(1),
        held.map(|m| *m)
    );
    check_eq!("a load after it", Some(2), slot.load().map(|m| *m));

    // Readers load while a writer swaps: never an empty slot, never a
    // model going backwards, and each swap gives back the one before.
    let slot = Arc::new(Slot::new(Some(0u32)));
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (slot, stop) = (slot.clone(), stop.clone());
            std::thread::spawn(move || -> Result<u64, String> {
                let mut last = 0;
                let mut loads = 0;
                while !stop.load(Ordering::Relaxed) {
                    let now = *slot
                        .load()
                        .ok_or("a load found the slot empty during swaps")?;
                    if now < last {
                        return Err(format!("a load saw model {now} after model {last}"));
                    }
                    last = now;
                    loads += 1;
                }
                Ok(loads)
            })
        })
        .collect();
    for next in 1..=2000u32 {
        let old = slot.replace(next).map(|m| *m);
        if old != Some(next - 1) {
            stop.store(true, Ordering::Relaxed);
            return Err(format!(
                "replace({next}) gave back {old:?}; expected Some({})",
                next - 1
            ));
        }
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().map_err(|_| "a reader panicked".to_owned())??;
    }
    Ok(())
}

fn batch() -> Result<(), String> {
    let limits = Limits::default();
    let slot = Slot::new(Some("a"));
    let messages = vec![
        request(Some("one"), None, "first"),
        request(Some("two"), None, "second"),
        request(Some("three"), None, "third"),
    ];
    let texts: Vec<String> = messages
        .iter()
        .map(|m| from_json(m, &limits).unwrap())
        .collect();
    let (model, answers) = score_batch(&slot, &messages, 3, &limits, |m: &&str, t| {
        format!("{m}:{t}")
    })
    .map_err(|e| format!("a good batch was refused: {e}"))?;
    check_eq!("the model of a good batch", "a", *model);
    let expected: Vec<String> = texts.iter().map(|t| format!("a:{t}")).collect();
    check_eq!("the answers of a good batch, in order", expected, answers);

    // A swap half-way through scoring: one model answers the whole batch.
    let swapped = Cell::new(false);
    let (model, answers) = score_batch(&slot, &messages, 10, &limits, |m: &&str, _| {
        if !swapped.get() {
            swapped.set(true);
            slot.replace("b");
        }
        m.to_string()
    })
    .map_err(|e| format!("a good batch was refused: {e}"))?;
    check_eq!(
        "the models of a batch during which the slot was swapped",
        vec!["a"; 3],
        answers
    );
    check_eq!("the model returned with them", "a", *model);

    let scored = Cell::new(0);
    let counting = |_: &&str, _: &str| scored.set(scored.get() + 1);
    check_eq!(
        "an empty batch",
        Some(BatchError::Empty),
        score_batch(&slot, &[], 3, &limits, counting).err()
    );
    check_eq!(
        "four messages with a limit of three",
        Some(BatchError::TooMany { count: 4, max: 3 }),
        score_batch(
            &slot,
            &[messages.clone(), vec![messages[0].clone()]].concat(),
            3,
            &limits,
            counting
        )
        .err()
    );
    let mut bad = messages.clone();
    bad[1] = request(None, None, " ");
    bad[2] = request(Some("x\ny"), None, "z");
    let err = score_batch(&slot, &bad, 3, &limits, counting).err();
    ensure!(
        matches!(err, Some(BatchError::Message { index: 1, .. })),
        "a batch whose messages 1 and 2 are bad must be refused naming messages[1]; got {err:?}"
    );
    let empty: Slot<&str> = Slot::new(None);
    check_eq!(
        "a good batch and no model",
        Some(BatchError::NoModel),
        score_batch(&empty, &messages, 3, &limits, counting).err()
    );
    check_eq!("messages scored by refused batches", 0, scored.get());
    Ok(())
}

// BEGIN HIDDEN TESTS
fn hidden_request_edges() -> Result<(), String> {
    let limits = Limits {
        max_subject_chars: 5,
        max_from_chars: 5,
        max_body_chars: 4,
    };
    check_eq!(
        "a subject of five two-byte characters",
        None,
        field(check(&request(Some("ééééé"), None, "x"), &limits))
    );
    check_eq!(
        "a body of four three-byte characters",
        None,
        field(check(&request(None, None, "€€€€"), &limits))
    );
    check_eq!(
        "a subject with a tab",
        None,
        field(check(&request(Some("a\tb"), None, "x"), &limits))
    );
    let subject_only = request(Some("Win"), None, "");
    check_eq!(
        "a subject and an empty body",
        Ok(model_text(
            Some("Win"),
            None,
            JSON_CONTENT_TYPE,
            Some(JSON_CHARSET),
            Some("")
        )),
        from_json(&subject_only, &Limits::default())
    );
    let mbox = b"From someone@x.org Mon Jan  1 00:00:00 2002\nSubject: Hi\nFrom: a@x.org\n\nHello there.\n";
    let text = from_raw(mbox).map_err(|e| format!("a message after an mbox line: {e}"))?;
    ensure!(
        text.starts_with("Hi\na@x.org\n") && text.ends_with("Hello there."),
        "a message after an mbox line: {text:?}"
    );
    let html = b"Subject: Deal\nContent-Type: text/html; charset=us-ascii\n\n<html><body><p>Cheap <b>pills</b></p></body></html>\n";
    let text = from_raw(html).map_err(|e| format!("an HTML-only message: {e}"))?;
    ensure!(
        text.contains("text/html us-ascii") && text.contains("Cheap") && !text.contains("<b>"),
        "an HTML-only message must be read as training read it: {text:?}"
    );
    Ok(())
}

fn hidden_serving_edges() -> Result<(), String> {
    let limits = Limits::default();
    let slot = Slot::new(Some(7u8));
    let two = vec![request(None, None, "a"), request(None, None, "b")];
    ensure!(
        score_batch(&slot, &two, 2, &limits, |m: &u8, _| *m).is_ok(),
        "a batch of exactly the limit must be scored"
    );
    check_eq!(
        "every reason at once",
        vec![Reason::Draining, Reason::NoModel, Reason::LogWriterStopped],
        readiness(&Health {
            model: None,
            draining: true,
            log_writer_alive: false,
        })
    );
    // A model that is not Clone, held by a request across two swaps.
    struct Model(String);
    let slot = Slot::new(Some(Model("a".into())));
    let held = slot.load();
    slot.replace(Model("b".into()));
    let back = slot.replace(Model("c".into()));
    check_eq!(
        "the models held and given back across two swaps",
        (Some("a".to_owned()), Some("b".to_owned())),
        (held.map(|m| m.0.clone()), back.map(|m| m.0.clone()))
    );
    Ok(())
}

// END HIDDEN TESTS
