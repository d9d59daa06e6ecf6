"""Tiny random transformers models built from configs, for tests that never touch the network.

They are real models on the real code path; their weights are random, so tests assert
structure and behaviour, never particular predictions. The tokenizer is the bundled
MiniLM's (BERT WordPiece, [CLS]=101, [SEP]=102).
"""

from __future__ import annotations

import json
from pathlib import Path

from core.registry import BUNDLED_MINILM, bundled_path

SENTIMENT_LABELS = {0: "negative", 1: "neutral", 2: "positive"}


def minilm_tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(bundled_path(BUNDLED_MINILM))


def tiny_bert_config(**overrides):
    from transformers import BertConfig

    settings = {
        "vocab_size": 30522,
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 37,
        "max_position_embeddings": 512,
    }
    settings.update(overrides)
    return BertConfig(**settings)


def save(model, tokenizer, path: Path) -> Path:
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def build_bert(path: Path, head: str = "BertModel", labels: dict[int, str] | None = None) -> Path:
    """A tiny BERT with the ``head`` class of transformers (e.g. "BertForMaskedLM"), the MiniLM vocabulary, seed 0."""
    import torch
    import transformers

    torch.manual_seed(0)
    names = {"id2label": labels, "label2id": {v: k for k, v in labels.items()}} if labels else {}
    return save(getattr(transformers, head)(tiny_bert_config(**names)), minilm_tokenizer(), path)


def build_bert_classifier(path: Path, labels: dict[int, str] = SENTIMENT_LABELS) -> Path:
    """A BertForSequenceClassification with the given labels (the sentiment tab's kind of model)."""
    return build_bert(path, "BertForSequenceClassification", labels)


def build_bert_masked_lm(path: Path) -> Path:
    """A BertForMaskedLM: the fill-mask kind, i.e. the wrong kind for the sentiment tab."""
    return build_bert(path, "BertForMaskedLM")


def drop_architectures(path: Path) -> Path:
    """Remove ``architectures`` from a saved config, as some hand-made repos have it."""
    config_file = path / "config.json"
    config = json.loads(config_file.read_text())
    config.pop("architectures", None)
    config_file.write_text(json.dumps(config))
    return path


# --- question answering, summarization, translation (issue 3) ---------------------------------------------


def build_bert_qa(path: Path, padding_side: str = "right") -> Path:
    """A BertForQuestionAnswering with the MiniLM vocabulary (the question-answering tab's kind of model).

    ``padding_side="left"`` saves the tokenizer padding on the left, as XLNet's does: v4's QA pipeline
    then put the context before the question.
    """
    build_bert(path, "BertForQuestionAnswering")
    if padding_side != "right":
        tokenizer = minilm_tokenizer()
        tokenizer.padding_side = padding_side
        tokenizer.save_pretrained(path)
    return path


def build_gpt2_qa(path: Path) -> Path:
    """A GPT2ForQuestionAnswering with a byte-level BPE trained here: no [CLS], no special tokens between
    question and context, and Korean split into byte pieces."""
    import torch
    from transformers import GPT2Config, GPT2ForQuestionAnswering

    tokenizer = train_byte_level_bpe()
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_embd=32,
        n_layer=2,
        n_head=2,
        n_positions=512,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    torch.manual_seed(0)
    save(GPT2ForQuestionAnswering(config), tokenizer, path)
    # As GPT-2's own tokenizer: no token_type_ids (a generic fast tokenizer in v4 would add them).
    tokenizer_config = path / "tokenizer_config.json"
    settings = json.loads(tokenizer_config.read_text())
    settings["model_input_names"] = ["input_ids", "attention_mask"]
    tokenizer_config.write_text(json.dumps(settings, indent=2))
    return path


#: T5's own task table, so the tiny model carries the same prefixes and settings as google-t5/t5-small.
T5_TASK_PARAMS = {
    "summarization": {
        "early_stopping": True,
        "length_penalty": 2.0,
        "max_length": 200,
        "min_length": 30,
        "no_repeat_ngram_size": 3,
        "num_beams": 4,
        "prefix": "summarize: ",
    },
    "translation_en_to_de": {
        "early_stopping": True,
        "max_length": 300,
        "num_beams": 4,
        "prefix": "translate English to German: ",
    },
    "translation_en_to_fr": {
        "early_stopping": True,
        "max_length": 300,
        "num_beams": 4,
        "prefix": "translate English to French: ",
    },
}


def build_t5(path: Path) -> Path:
    """A T5ForConditionalGeneration with T5's task prefixes, on the MiniLM vocabulary ([PAD]=0, [SEP]=102)."""
    import torch
    from transformers import T5Config, T5ForConditionalGeneration

    torch.manual_seed(0)
    config = T5Config(
        vocab_size=30522,
        d_model=16,
        d_kv=8,
        d_ff=32,
        num_layers=2,
        num_heads=2,
        pad_token_id=0,
        eos_token_id=102,
        decoder_start_token_id=0,
        task_specific_params=T5_TASK_PARAMS,
    )
    return save(T5ForConditionalGeneration(config), minilm_tokenizer(), path)


#: The sizes every tiny encoder-decoder here (BART, Marian, M2M100/NLLB) shares: one layer each side, width 16.
TINY_SEQ2SEQ = {
    "d_model": 16,
    "encoder_layers": 1,
    "decoder_layers": 1,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 32,
    "decoder_ffn_dim": 32,
}


def build_bart(path: Path, max_positions: int = 64) -> Path:
    """A BartForConditionalGeneration with few positions, so long inputs must be truncated."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    torch.manual_seed(0)
    config = BartConfig(
        vocab_size=30522,
        **TINY_SEQ2SEQ,
        max_position_embeddings=max_positions,
        pad_token_id=0,
        bos_token_id=101,
        eos_token_id=102,
        decoder_start_token_id=102,
        forced_eos_token_id=102,
    )
    tokenizer = minilm_tokenizer()
    tokenizer.model_max_length = max_positions
    return save(BartForConditionalGeneration(config), tokenizer, path)


def build_marian(path: Path) -> Path:
    """A MarianMTModel; name the folder ``…opus-mt-xx-yy`` and the pair is read from it, as from a Hub id."""
    import torch
    from transformers import MarianConfig, MarianMTModel

    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=30522,
        **TINY_SEQ2SEQ,
        max_position_embeddings=128,
        pad_token_id=0,
        eos_token_id=102,
        decoder_start_token_id=0,
    )
    return save(MarianMTModel(config), minilm_tokenizer(), path)


def build_nllb(path: Path) -> Path:
    """An M2M100 model with NLLB's tokenizer (its 200 language codes, a tiny vocabulary): forced-BOS translation."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    torch.manual_seed(0)
    tokenizer = NllbTokenizer()
    config = M2M100Config(
        vocab_size=len(tokenizer),
        **TINY_SEQ2SEQ,
        max_position_embeddings=128,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
    )
    return save(M2M100ForConditionalGeneration(config), tokenizer, path)


MARIAN_CORPUS = [
    "Hugging Face makes machine learning easy to share.",
    "The house is wonderful and the garden is beautiful.",
    "I went to school today and had lunch with my friends.",
    "나는 오늘 학교에 가서 친구들과 점심을 먹었다.",
    "이 영화 정말 재미있어요!",
    "세종대왕은 훈민정음을 창제하였다.",
]


def train_sentencepiece() -> bytes:
    """A small SentencePiece model (about 150 pieces) trained on ``MARIAN_CORPUS``: English and Korean."""
    import io

    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(MARIAN_CORPUS * 20),
        model_writer=model,
        vocab_size=150,
        hard_vocab_limit=False,
        character_coverage=1.0,
        minloglevel=2,
    )
    return model.getvalue()


def sentencepiece_vocab(model: bytes, first: list[str], last: tuple[str, ...] = ()) -> dict[str, int]:
    """``first``, then the model's own pieces, then ``last``: each once, numbered in that order."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    pieces = [*first, *(processor.id_to_piece(i) for i in range(processor.get_piece_size())), *last]
    return {piece: i for i, piece in enumerate(dict.fromkeys(pieces))}


def build_marian_multi_target(path: Path, targets: tuple[str, ...] = ("kor", "jpn")) -> Path:
    """A MarianMTModel with a real MarianTokenizer (SentencePiece trained here) that knows several targets.

    Like the Tatoeba ``opus-mt-tc-*`` models, its vocabulary holds ``>>kor<<``-style target language tokens.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    torch.manual_seed(0)
    path.mkdir(parents=True, exist_ok=True)
    model_bytes = train_sentencepiece()
    for name in ("source.spm", "target.spm"):
        (path / name).write_bytes(model_bytes)
    vocab = sentencepiece_vocab(model_bytes, ["</s>", "<unk>", *(f">>{t}<<" for t in targets)], last=("<pad>",))
    (path / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    tokenizer = MarianTokenizer(str(path / "source.spm"), str(path / "target.spm"), str(path / "vocab.json"))
    config = MarianConfig(
        vocab_size=len(vocab),
        **TINY_SEQ2SEQ,
        max_position_embeddings=128,
        pad_token_id=vocab["<pad>"],
        eos_token_id=vocab["</s>"],
        decoder_start_token_id=vocab["<pad>"],
    )
    return save(MarianMTModel(config), tokenizer, path)


def build_canine_qa(path: Path) -> Path:
    """A CanineForQuestionAnswering: its tokenizer (one id per character) is a slow, Python one."""
    import torch
    from transformers import CanineConfig, CanineForQuestionAnswering, CanineTokenizer

    torch.manual_seed(0)
    config = CanineConfig(
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=37,
        num_hash_buckets=64,
        max_position_embeddings=256,
    )
    return save(CanineForQuestionAnswering(config), CanineTokenizer(model_max_length=256), path)


def build_m2m100(path: Path) -> Path:
    """An M2M100 model with a real M2M100Tokenizer (SentencePiece trained here, ``__ko__``-style language tokens)."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    torch.manual_seed(0)
    path.mkdir(parents=True, exist_ok=True)
    model_bytes = train_sentencepiece()
    (path / "sentencepiece.bpe.model").write_bytes(model_bytes)
    vocab = sentencepiece_vocab(model_bytes, ["<s>", "<pad>", "</s>", "<unk>"])
    (path / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    tokenizer = M2M100Tokenizer(str(path / "vocab.json"), str(path / "sentencepiece.bpe.model"))
    config = M2M100Config(
        # as facebook/m2m100_418M: the pieces, then the language tokens and the made-up words after them
        vocab_size=tokenizer.encoder_size + len(tokenizer.lang_code_to_id) + tokenizer.num_madeup_words,
        **TINY_SEQ2SEQ,
        max_position_embeddings=128,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
    )
    return save(M2M100ForConditionalGeneration(config), tokenizer, path)


#: A small chat template in the style of real ones: each message between special tokens.
CHAT_TEMPLATE = (
    "{% for message in messages %}[CLS] {{ message['role'] }}: {{ message['content'] }} [SEP] {% endfor %}"
    "{% if add_generation_prompt %}[CLS] assistant:{% endif %}"
)


def build_chat_tokenizer(path: Path) -> Path:
    """The MiniLM tokenizer with a chat template, saved with a config as a model folder is."""
    tokenizer = minilm_tokenizer()
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(path)
    tiny_bert_config().save_pretrained(path)
    return path


def _train_fast_tokenizer(model, pre_tokenizer, decoder, trainer, **special_tokens):
    """A transformers fast tokenizer around a ``tokenizers`` model trained on the lab's sample corpus."""
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    from core.tokenizers.training import sample_corpus

    backend = Tokenizer(model)
    backend.pre_tokenizer = pre_tokenizer
    backend.decoder = decoder
    backend.train_from_iterator(sample_corpus().splitlines(), trainer)
    return PreTrainedTokenizerFast(tokenizer_object=backend, model_max_length=1024, **special_tokens)


def build_byte_level_tokenizer(path: Path) -> Path:
    """A GPT-2-style byte-level BPE (``Ġ`` marks a space; no padding token), saved as a model folder."""
    from tokenizers import decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config

    end = "<|endoftext|>"
    tokenizer = _train_fast_tokenizer(
        models.BPE(),
        pre_tokenizers.ByteLevel(add_prefix_space=False),
        decoders.ByteLevel(),
        trainers.BpeTrainer(
            vocab_size=600,
            special_tokens=[end],
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            show_progress=False,
        ),
        bos_token=end,
        eos_token=end,
        unk_token=end,
    )
    tokenizer.save_pretrained(path)
    GPT2Config(vocab_size=600, n_embd=32, n_layer=1, n_head=2, bos_token_id=0, eos_token_id=0).save_pretrained(path)
    return path


def build_sentencepiece_tokenizer(path: Path) -> Path:
    """A T5-style SentencePiece Unigram (``▁`` starts a word), saved as a model folder."""
    from tokenizers import decoders, models, pre_tokenizers, trainers
    from transformers import T5Config

    tokenizer = _train_fast_tokenizer(
        models.Unigram(),
        pre_tokenizers.Metaspace(),
        decoders.Metaspace(),
        trainers.UnigramTrainer(
            vocab_size=400, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>", show_progress=False
        ),
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
    )
    tokenizer.save_pretrained(path)
    T5Config(vocab_size=400, d_model=32, num_layers=1, num_heads=2, d_ff=37, d_kv=8).save_pretrained(path)
    return path


def put_in_hub_cache(folder: Path, repo_id: str, cache_dir: Path, commit: str = "0" * 40) -> Path:
    """Copy a saved model into a Hugging Face cache, laid out as huggingface_hub writes it.

    ``models--org--name/blobs/<sha256>`` holds each file once, ``snapshots/<commit>/<file>`` links to
    its blob, and ``refs/main`` names the commit: what ``scan_cache_dir`` and ``from_pretrained`` read.
    """
    import hashlib
    import os

    from huggingface_hub.file_download import repo_folder_name

    repo = Path(cache_dir) / repo_folder_name(repo_id=repo_id, repo_type="model")
    snapshot = repo / "snapshots" / commit
    (repo / "blobs").mkdir(parents=True, exist_ok=True)
    (repo / "refs").mkdir(exist_ok=True)
    for file in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        data = file.read_bytes()
        blob = repo / "blobs" / hashlib.sha256(data).hexdigest()
        blob.write_bytes(data)
        link = snapshot / file.relative_to(folder)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    (repo / "refs" / "main").write_text(commit)
    return snapshot


DETECTION_LABELS = {0: "cat", 1: "dog", 2: "person", 3: "cup", 4: "N/A"}
DETR_TEST_INPUT = {"shortest_edge": 320, "longest_edge": 533}


def tiny_detr_settings(labels: dict[int, str], num_queries: int, decoder_layers: int) -> dict:
    """The sizes every tiny DETR-family model here shares: a random timm ResNet-18 (no download), width 32."""
    return {
        "use_timm_backbone": True,
        "backbone": "resnet18",
        "use_pretrained_backbone": False,
        "num_queries": num_queries,
        "d_model": 32,
        "encoder_layers": 1,
        "decoder_layers": decoder_layers,
        "encoder_attention_heads": 2,
        "decoder_attention_heads": 2,
        "encoder_ffn_dim": 32,
        "decoder_ffn_dim": 32,
        "id2label": labels,
        "label2id": {v: k for k, v in labels.items()},
    }


def build_detr(path: Path, labels: dict[int, str] = DETECTION_LABELS, num_queries: int = 12) -> Path:
    """A DetrForObjectDetection on a random timm ResNet-18 (no download), saved with a DetrImageProcessor.

    The decoder and heads get larger random weights than DETR's initialisation, so that object
    queries disagree (different labels, scores and boxes) as a trained model's do.
    """
    import torch
    from transformers import DetrConfig, DetrForObjectDetection, DetrImageProcessor

    torch.manual_seed(0)
    config = DetrConfig(**tiny_detr_settings(labels, num_queries, decoder_layers=2))
    model = DetrForObjectDetection(config)
    with torch.no_grad():
        spread = {
            model.model.query_position_embeddings: 1.0,
            model.model.decoder: 1.0,
            model.class_labels_classifier: 1.0,
            model.bbox_predictor: 0.2,
        }
        for part, std in spread.items():
            for parameter in part.parameters():
                if parameter.dim() > 1:
                    torch.nn.init.normal_(parameter, std=std)
    model.save_pretrained(path)
    # A smaller input than DETR's 800/1333 keeps tests fast; the resizing logic is the same.
    DetrImageProcessor(size=DETR_TEST_INPUT).save_pretrained(path)
    return path


def build_yolos(path: Path, labels: dict[int, str] = DETECTION_LABELS, num_detection_tokens: int = 10) -> Path:
    """A YolosForObjectDetection (a plain ViT with detection tokens, no decoder), saved with its image processor."""
    import torch
    from transformers import YolosConfig, YolosForObjectDetection, YolosImageProcessor

    torch.manual_seed(0)
    config = YolosConfig(
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        num_detection_tokens=num_detection_tokens,
        image_size=[64, 96],
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
    )
    YolosForObjectDetection(config).save_pretrained(path)
    YolosImageProcessor(size={"shortest_edge": 128, "longest_edge": 200}).save_pretrained(path)
    return path


def build_conditional_detr(path: Path, labels: dict[int, str] = DETECTION_LABELS, num_queries: int = 12) -> Path:
    """A ConditionalDetrForObjectDetection on a random timm ResNet-18: sigmoid scores, top-k post-processing."""
    import torch
    from transformers import (
        ConditionalDetrConfig,
        ConditionalDetrForObjectDetection,
        ConditionalDetrImageProcessor,
    )

    torch.manual_seed(0)
    config = ConditionalDetrConfig(**tiny_detr_settings(labels, num_queries, decoder_layers=1))
    ConditionalDetrForObjectDetection(config).save_pretrained(path)
    ConditionalDetrImageProcessor(size=DETR_TEST_INPUT).save_pretrained(path)
    return path


#: Text the tiny GPT-2's byte-level BPE is trained on (English and Korean, so both tokenize into merges).
BPE_CORPUS = (
    "Hello, my name is Sam and I like apples.",
    "Once upon a time there was a small robot who wanted to learn to write.",
    "The weather is nice today, so we go to the park after school.",
    "I like apple. I like pear. I go to school. I felt very sad. I feel so good.",
    "Transformers turn text into tokens, tokens into vectors, and vectors into the next token.",
    "오늘 날씨가 좋아서 공원에 갔어요. 너는 내년 선거 때 투표할 수 있어?",
    "허깅페이스 파이프라인으로 텍스트를 생성해 봐요.",
)
#: A minimal chat template in the usual shape, so a tokenizer counts as a chat/instruct model's.
TINY_CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def train_byte_level_bpe(vocab_size: int = 400):
    """A GPT-2 style tokenizer (byte-level BPE) trained on the spot with the ``tokenizers`` library."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import PreTrainedTokenizerFast

    trainer = ByteLevelBPETokenizer()
    trainer.train_from_iterator(
        list(BPE_CORPUS) * 20, vocab_size=vocab_size, min_frequency=2, special_tokens=["<|endoftext|>"]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=trainer._tokenizer,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
    )


def build_llama(path: Path) -> Path:
    """A Llama-style decoder (RMSNorm ``model.norm``, untied ``lm_head``, grouped-query attention) built from
    a config, with a freshly trained byte-level BPE."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = train_byte_level_bpe()
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=3,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=512,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        tie_word_embeddings=False,
    )
    torch.manual_seed(0)
    return save(LlamaForCausalLM(config), tokenizer, path)


def build_gpt2(path: Path, *, chat: bool = False, n_positions: int = 1024, **overrides) -> Path:
    """A GPT2LMHeadModel with a freshly trained byte-level BPE; ``chat=True`` adds a chat template."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    tokenizer = train_byte_level_bpe()
    if chat:
        tokenizer.add_special_tokens({"additional_special_tokens": ["<|im_start|>", "<|im_end|>"]})
        tokenizer.chat_template = TINY_CHAT_TEMPLATE
    settings = {"n_embd": 32, "n_layer": 2, "n_head": 2, "n_positions": n_positions}
    settings.update(overrides)
    config = GPT2Config(
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        **settings,
    )
    torch.manual_seed(0)
    return save(GPT2LMHeadModel(config), tokenizer, path)


# --- Text tabs (zero-shot, NER, fill-mask, similarity) -----------------------------------------

NLI_LABELS = {0: "entailment", 1: "neutral", 2: "contradiction"}
NER_LABELS = {0: "O", 1: "B-PER", 2: "I-PER", 3: "B-ORG", 4: "I-ORG", 5: "B-LOC", 6: "I-LOC"}


def build_bert_nli(path: Path) -> Path:
    """A BertForSequenceClassification with NLI labels: what the zero-shot pipeline needs."""
    return build_bert_classifier(path, labels=NLI_LABELS)


def build_bert_token_classifier(path: Path, labels: dict[int, str] = NER_LABELS) -> Path:
    """A BertForTokenClassification with BIO tags (the NER tab's kind of model)."""
    return build_bert(path, "BertForTokenClassification", labels)


def build_bert_encoder(path: Path) -> Path:
    """A headless BertModel (like the bundled MiniLM): the fine-tuning lab's kind of base model."""
    return build_bert(path, "BertModel")


def build_vit_encoder(path: Path) -> Path:
    """A tiny ViT: an image model, for which transformers has no sequence-classification head."""
    import torch
    from transformers import ViTConfig, ViTModel

    torch.manual_seed(0)
    config = ViTConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=37, image_size=32)
    ViTModel(config).save_pretrained(path)
    return path
