"""The fine-tuning lab tab: the streaming /finetune handler, its helpers, and the real app through gradio_client."""

import re

import gradio as gr
import pandas as pd
import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError
from playwright.sync_api import expect

from tabs import finetune_data, finetune_saving, finetune_training
from tabs.context import AppContext
from tabs.finetune import make_handler
from tabs.finetune_check import make_check_handler
from tabs.finetune_data import TABLE_HEADERS
from tabs.literal import markdown_without_html, md_literal

CSV = (
    "text,label\n"
    "I love this song,positive\nWhat a great day,positive\nThis is wonderful,positive\n"
    "I hate the rain,negative\nThis is terrible,negative\nWorst movie ever,negative\n"
)
FAST = {"learning_rate": 1e-3, "epochs": 1, "batch_size": 4, "seed": 7, "max_length": 16}


@pytest.fixture
def small_csv(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def run(handler, data, model, tmp_path, **kwargs):
    settings = {**FAST, **kwargs}
    return list(handler(str(data) if data else None, str(model), output_dir=str(tmp_path / "saved"), **settings))


def test_stream_ends_with_the_contract_json_and_the_saved_folder(small_csv, tiny_encoder, tmp_path):
    outputs = run(make_handler(AppContext()), small_csv, tiny_encoder, tmp_path)
    raw, status, _table, loss, epochs, before, after, predictions, saved_to, _code, saved, _check = outputs[-1]
    table, code = outputs[0][2], outputs[0][9]
    assert raw["labels"] == ["positive", "negative"]
    assert raw["before"]["accuracy"] is not None and raw["after"]["accuracy"] is not None
    assert raw["saved_to"] == saved_to == saved and (tmp_path / "saved" / "config.json").is_file()
    assert len(loss) == raw["steps"] == len(raw["history"])
    assert list(table.columns) == TABLE_HEADERS and set(table["split"]) == {"train", "eval"}
    assert len(predictions) == raw["eval_rows"]
    assert all(("✓" in row[3]) == (row[1] == row[3].split()[0]) for row in predictions)
    assert "Done" in status and str(tiny_encoder) in code


def test_the_stream_shows_before_ahead_of_training(small_csv, tiny_encoder, tmp_path):
    outputs = run(make_handler(AppContext()), small_csv, tiny_encoder, tmp_path)
    first_with_before = next(i for i, out in enumerate(outputs) if out[0]["before"])
    first_step = next(i for i, out in enumerate(outputs) if out[0]["history"])
    assert first_with_before < first_step
    assert outputs[0][0]["after"] is None and outputs[0][0]["saved_to"] is None


def test_table_rows_are_used_when_no_file_is_given(tiny_encoder, tmp_path):
    rows = pd.DataFrame(
        [["Good", "pos", "train"], ["Bad", "neg", "train"], ["Great", "pos", "eval"], ["Awful", "neg", "eval"]],
        columns=TABLE_HEADERS,
    )
    raw = run(make_handler(AppContext()), None, tiny_encoder, tmp_path, rows=rows)[-1][0]
    assert raw["labels"] == ["pos", "neg"] and raw["eval_rows"] == 2


def test_stop_button_stops_the_sessions_training(small_csv, tiny_encoder, tmp_path):
    handler = make_handler(AppContext())
    stream = handler(str(small_csv), str(tiny_encoder), **{**FAST, "epochs": 3}, output_dir=str(tmp_path / "m"))
    for outputs in stream:
        if outputs[0]["history"] and not outputs[0]["stopped"]:
            assert finetune_training.make_stop_handler(handler.runs)(language="en").startswith("⏹️")
    raw = outputs[0]
    assert raw["stopped"] and raw["steps"] == 1 and raw["saved_to"]
    assert "stopped at step 1" in outputs[1]


def test_stop_without_a_training_says_so():
    assert (
        finetune_training.make_stop_handler(finetune_training.TrainingRuns())(language="ko")
        == "진행 중인 학습이 없어요."
    )


@pytest.mark.parametrize(
    ("csv", "settings", "message"),
    [
        ("sentence,sentiment\nGood,positive\n", {}, "missing 'text', 'label'"),
        (b"text,label\n\xff\x80,x\n", {}, "not text in UTF-8"),
        ("text,label\nGood,x\nFine,x\n", {}, "at least two labels"),
        ("text,label\nGood,x\nGood,y\n", {}, "different labels in rows 1, 2"),
        ("text,label,split\nGood,x,train\nBad,y,eval\n", {}, "'y' have no training rows"),
        ("text,label\nGood,x\n,y\n", {}, "empty text or label"),
        (CSV, {"learning_rate": 1.0}, r"`learning_rate` must be a number.*; got 1\.0"),
        (CSV, {"epochs": 50}, "`epochs` must be a whole number.*; got 50"),
    ],
)
def test_bad_input_becomes_a_clear_gr_error(csv, settings, message, tiny_encoder, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv if isinstance(csv, bytes) else csv.encode("utf-8"))
    with pytest.raises(gr.Error, match=message):
        run(make_handler(AppContext()), path, tiny_encoder, tmp_path, **settings)


def test_a_model_that_cannot_take_a_head_is_a_clear_gr_error(small_csv, tiny_vit, tmp_path):
    with pytest.raises(gr.Error, match="no sequence-classification head"):
        run(make_handler(AppContext()), small_csv, tiny_vit, tmp_path)


def test_errors_follow_the_language_setting(tmp_path, tiny_encoder):
    path = tmp_path / "one.csv"
    path.write_text("text,label\nGood,x\nFine,x\n")
    with pytest.raises(gr.Error, match="두 개 이상"):
        list(make_handler(AppContext())(str(path), str(tiny_encoder), language="ko"))


def test_public_mode_refuses_a_chosen_folder(small_csv):
    with pytest.raises(gr.Error, match="public mode"):
        list(
            make_handler(AppContext(public=True))(
                str(small_csv), "sentence-transformers/all-MiniLM-L6-v2", output_dir="/tmp/x"
            )
        )


def test_upload_fills_the_table_and_empties_the_upload_box(small_csv):
    table, upload = finetune_data._upload(str(small_csv))
    assert list(table.columns) == TABLE_HEADERS and len(table) == 6 and upload is None


def test_upload_of_a_wrong_csv_is_a_clear_gr_error(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(gr.Error, match="needs the columns 'text' and 'label'"):
        finetune_data._upload(str(path))


def test_download_gives_the_table_as_csv():
    table = pd.DataFrame([["Good, very", "pos", "train"]], columns=TABLE_HEADERS)
    with open(finetune_data._csv_file(table), encoding="utf-8") as f:
        assert f.read() == 'text,label,split\n"Good, very",pos,train\n'


def test_push_without_a_token_is_a_clear_gr_error(tmp_path):
    with pytest.raises(gr.Error, match="needs your access token"):
        finetune_saving._pusher(str(tmp_path), "me/model", "")


def test_use_it_fills_the_sentiment_model_box_and_opens_its_tab():
    dropdown, tabs_update = finetune_saving._use_it("/models/mine")
    assert dropdown["value"] == "/models/mine" and tabs_update.selected == "classify"


def test_the_starter_set_is_the_tables_first_content():
    table = finetune_data._starter_rows(finetune_data.STARTER)
    assert len(table) == 300 and set(table["split"]) == {"train", "eval"}


def test_finetune_through_the_real_app(client, small_csv, tiny_encoder, tmp_path):
    result = client.predict(
        data=handle_file(str(small_csv)),
        model=str(tiny_encoder),
        output_dir=str(tmp_path / "via-api"),
        api_name="/finetune",
        **FAST,
    )
    raw = result[0]
    assert {"labels", "before", "after", "history", "saved_to"} <= set(raw)
    assert raw["labels"] == ["positive", "negative"] and raw["saved_to"].endswith("via-api")
    assert (tmp_path / "via-api" / "model.safetensors").is_file()


def test_finetune_api_parameters_follow_the_design(client):
    endpoint = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/finetune"]
    names = [p["parameter_name"] for p in endpoint["parameters"]]
    assert names[:2] == ["data", "model"]
    assert {"learning_rate", "epochs", "batch_size", "seed", "max_length"} <= set(names)
    assert all(p["parameter_has_default"] for p in endpoint["parameters"][2:])


def test_bad_csv_through_the_real_app_is_a_clear_error(client, tmp_path, tiny_encoder):
    path = tmp_path / "bad.csv"
    path.write_text("sentence,sentiment\nGood,positive\n")
    with pytest.raises(AppError, match="needs the columns 'text' and 'label'"):
        client.predict(data=handle_file(str(path)), model=str(tiny_encoder), api_name="/finetune")


def test_one_training_at_a_time_per_app_others_wait_in_the_queue():
    import app

    demo = app.build_app()
    train = next(fn for fn in demo.fns.values() if fn.api_name == "finetune")
    assert (train.concurrency_limit, train.concurrency_id) == (1, "finetune") and train.queue
    helpers = [fn for fn in demo.fns.values() if fn.api_name in ("_pusher", "_use_it", "stop_training")]
    assert len(helpers) == 3 and all(fn.api_visibility == "private" for fn in helpers)


def test_use_it_drives_the_model_box_the_sentiment_tab_registered():
    """ "Use it" reaches the sentiment tab's model box through the context's registry (issue 17), not an elem_id."""
    import app

    demo = app.build_app()
    classify = next(fn for fn in demo.fns.values() if fn.api_name == "classify")
    use_it = next(fn for fn in demo.fns.values() if fn.api_name == "_use_it")
    model_box, tabs = use_it.outputs
    assert model_box is classify.inputs[1] and isinstance(tabs, gr.Tabs)
    assert model_box.elem_id is None


def test_the_loss_curve_is_numbers_from_the_first_update(small_csv, tiny_encoder, tmp_path):
    """The browser sets the chart's axes from the first value it draws: text axes label every single loss."""
    outputs = run(make_handler(AppContext()), small_csv, tiny_encoder, tmp_path)
    plot = gr.LinePlot(x="step", y="loss")
    for frame in (outputs[0][3], outputs[-1][3]):
        assert plot.postprocess(frame).datatypes == dict.fromkeys(["epoch", "step", "loss"], "quantitative")


def test_the_loss_chart_starts_at_zero():
    import app

    demo = app.build_app()
    train = next(fn for fn in demo.fns.values() if fn.api_name == "finetune")
    plot = next(block for block in train.outputs if isinstance(block, gr.LinePlot))
    assert (plot.x, plot.y, plot.y_lim) == ("step", "loss", [0, None])


# --- the data check: repeats, conflicts, the vocabulary (issue 14, item 10) -----------------------------

REPEATED = CSV + "I love this song,positive\nthis is  TERRIBLE,negative\n"


def test_a_repeated_sentence_trains_once_and_the_start_of_the_run_says_which_rows_were_left_out(
    tmp_path, tiny_encoder
):
    path = tmp_path / "repeats.csv"
    path.write_text(REPEATED, encoding="utf-8")
    outputs = run(make_handler(AppContext()), path, tiny_encoder, tmp_path)
    raw, check = outputs[-1][0], outputs[0][-1]
    assert raw["train_rows"] + raw["eval_rows"] == 6 and raw["saved_to"]
    assert [(d["row"], d["same_as"], d["reason"]) for d in raw["dropped"]] == [(7, 1, "repeat"), (8, 5, "repeat")]
    assert "2 row(s) left out" in check and "row 7 (I love this song, positive)" in check
    assert "would count twice in training, or leak into evaluation" in check
    assert all(out[-1] is gr.skip() or isinstance(out[-1], dict) for out in outputs[1:])  # sent once


def test_conflicting_labels_stop_training_until_the_student_chooses(tmp_path, tiny_encoder):
    path = tmp_path / "conflict.csv"
    path.write_text(CSV + "i love THIS song,negative\n", encoding="utf-8")
    with pytest.raises(gr.Error, match=r"different labels in rows 1, 7 \('I love this song': positive, negative\)"):
        run(make_handler(AppContext()), path, tiny_encoder, tmp_path)
    raw = run(make_handler(AppContext()), path, tiny_encoder, tmp_path, conflicts="first")[-1][0]
    assert raw["dropped"] == [
        {"row": 7, "text": "i love THIS song", "label": "negative", "reason": "conflict", "same_as": 1}
    ]
    with pytest.raises(gr.Error, match="'maybe' is not a choice"):
        run(make_handler(AppContext()), path, tiny_encoder, tmp_path / "x", conflicts="maybe")


def test_the_run_reports_the_vocabulary_of_the_model_it_trains(small_csv, tiny_encoder, tmp_path):
    raw = run(make_handler(AppContext()), small_csv, tiny_encoder, tmp_path)[-1][0]
    vocabulary = raw["vocabulary"]
    assert vocabulary["model"] == str(tiny_encoder) and vocabulary["unknown_token"] == "[UNK]"
    assert [c["label"] for c in vocabulary["labels"]] == ["positive", "negative"]
    assert sum(c["rows"] for c in vocabulary["labels"]) == 6


def check_table(rows):
    return pd.DataFrame(rows, columns=TABLE_HEADERS)


def test_the_check_warns_that_minilm_reads_korean_as_unk_and_suggests_a_multilingual_model():
    from core.registry import BUNDLED_MINILM, get_task

    check = make_check_handler(AppContext())
    shown = check(finetune_data._starter_rows("sentiment_en_ko"), BUNDLED_MINILM, "ask", "en")
    assert "✅ **300 rows** will be used: 240 for training, 60 for evaluation" in shown
    assert "reads much of this data as `[UNK]`" in shown
    for label in ("positive", "neutral", "negative"):
        assert re.search(rf"{label} \d+% of words \(\d+ of 100 rows\)", shown)
    suggested = re.search(r"covers English, Korean: \*\*`([^`]+)`\*\*", shown).group(1)
    assert {"en", "ko"} <= set(next(m for m in get_task("finetune").models if m.id == suggested).languages)
    korean = check(finetune_data._starter_rows("sentiment_en_ko"), BUNDLED_MINILM, "ask", "ko")
    assert "모르는 단어" in korean and "영어, 한국어를 아는 모델" in korean


def test_the_check_says_when_the_vocabulary_covers_the_data():
    from core.registry import BUNDLED_MINILM

    shown = make_check_handler(AppContext())(finetune_data._starter_rows("course"), BUNDLED_MINILM, "ask", "en")
    assert "✅ The tokenizer of `sentence-transformers/all-MiniLM-L6-v2` knows the data's words" in shown
    assert "[UNK]` (a word" not in shown


def test_the_check_never_downloads_a_tokenizer_and_says_when_it_will_look():
    shown = make_check_handler(AppContext())(
        check_table([["a", "x", ""], ["b", "y", ""], ["c", "x", ""], ["d", "y", ""]]), "org/not-here", "ask"
    )
    assert "checked when training starts" in shown


@pytest.mark.parametrize(
    ("rows", "conflicts", "expected"),
    [
        ([["Good", "x", ""], ["good", "y", ""], ["Bad", "y", ""]], "ask", "⚠️ The same sentence has different"),
        ([["Good", "x", ""], ["good", "y", ""], ["Bad", "y", ""], ["Fine", "x", ""]], "first", "row 2 (good, y)"),
        ([["Good", "x", ""]], "ask", "⚠️ All rows have the label"),
    ],
)
def test_problems_show_in_the_check_panel_not_as_a_pop_up(rows, conflicts, expected, tiny_encoder):
    assert expected in make_check_handler(AppContext())(check_table(rows), str(tiny_encoder), conflicts, "en")


def test_the_check_shows_the_students_text_as_written(tiny_encoder):
    hostile = "<img src=x onerror=alert(1)> **bold** `code`"
    rows = [
        [hostile, "<b>x</b>", ""],
        [hostile, "<b>x</b>", ""],
        ["b", "y", ""],
        ["c", "y", ""],
        ["d", "<b>x</b>", ""],
    ]
    shown = make_check_handler(AppContext())(check_table(rows), str(tiny_encoder), "ask", "en")
    assert "row 2 (" in shown
    assert md_literal(hostile) in shown
    # As the page gets it (every Markdown output passes the app's guard): the text shown literally, once escaped.
    rendered = markdown_without_html(shown)
    for raw in ("<img", "<b>", "**bold**", "`code`"):
        assert raw not in rendered
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered and "&amp;" not in rendered


def test_finetune_api_takes_the_conflict_choice(client):
    endpoint = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/finetune"]
    conflicts = next(p for p in endpoint["parameters"] if p["parameter_name"] == "conflicts")
    assert conflicts["parameter_has_default"] and conflicts["parameter_default"] == "ask"


def test_the_lab_checks_the_data_in_the_browser(app_url, browser, tmp_path):  # noqa: F811
    """Opening the lab shows the check of the starter set; an upload and the conflict choice update it."""
    from core.registry import get_task
    from tests.test_browser import open_page, select_tab, strings

    text = strings("finetune", "en")
    multilingual = next(m.id for m in get_task("finetune").models if {"en", "ko"} <= set(m.languages))
    path = tmp_path / "data.csv"
    path.write_text(
        CSV + "I love this song,positive\n<b>What a GREAT day</b>,negative\n<b>what a great day</b>,positive\n"
    )
    context, page = open_page(browser, app_url)
    try:
        page.goto(app_url)
        panel = select_tab(page, text["finetune.tab"])
        check = panel.locator("#finetune-data-check")
        expect(check).to_contain_text("reads much of this data as [UNK]", timeout=60_000)
        expect(check).to_contain_text(multilingual)

        panel.locator("input[type=file]").first.set_input_files(str(path))
        expect(check).to_contain_text("different labels in rows 8, 9 ('<b>What a GREAT day</b>'", timeout=60_000)
        panel.get_by_label(text["finetune.conflicts_first"]).check()
        expect(check).to_contain_text("2 row(s) left out", timeout=60_000)
        expect(check).to_contain_text("row 7 (I love this song, positive): same sentence and label as row 1")
        expect(check).to_contain_text("row 9 (<b>what a great day</b>, positive): same sentence as row 8")
    finally:
        context.close()


def test_a_wrong_model_name_leaves_the_data_check_in_place():
    rows = check_table([["a", "x", ""], ["b", "y", ""], ["c", "x", ""], ["d", "y", ""]])
    shown = make_check_handler(AppContext(public=True))(rows, "/etc", "ask", "en")
    assert "✅ **4 rows** will be used" in shown and "checked when training starts" in shown


def test_the_epoch_table_shows_accuracy_as_a_rounded_percentage(small_csv, tiny_encoder, tmp_path):
    outputs = run(make_handler(AppContext()), small_csv, tiny_encoder, tmp_path, epochs=2, batch_size=1)
    raw, epochs = outputs[-1][0], outputs[-1][4]
    assert list(epochs["eval_accuracy"]) == [f"{e['eval_accuracy']:.1%}" for e in raw["epochs"]]
    assert all(re.fullmatch(r"\d{1,3}\.\d%", shown) for shown in epochs["eval_accuracy"])


@pytest.mark.parametrize(("seconds", "step_updates"), [(0.0, "every"), (3600.0, "first")])
def test_training_steps_redraw_the_page_at_most_so_often_and_the_curve_stays_whole(
    seconds, step_updates, small_csv, tiny_encoder, tmp_path, monkeypatch
):
    monkeypatch.setattr(finetune_training, "STEP_REDRAW_SECONDS", seconds)
    outputs = run(make_handler(AppContext()), small_csv, tiny_encoder, tmp_path, epochs=2, batch_size=1)
    raw = outputs[-1][0]
    steps_shown = sorted({out[0]["steps"] for out in outputs if out[0]["history"] and out[0]["after"] is None})
    assert raw["steps"] >= 3 and len(outputs[-1][3]) == raw["steps"] == len(raw["history"])
    if step_updates == "every":
        assert steps_shown == list(range(1, raw["steps"] + 1))
    else:  # the first step, then only what the epochs' ends show
        assert steps_shown[0] == 1 and len(steps_shown) <= 1 + len(raw["epochs"])
