"""The photo input of image tabs: upload, webcam or clipboard, handed to the handler as an unopened file."""

import gradio as gr
from gradio.i18n import I18nData


def image_upload(label: str | I18nData) -> gr.Image:
    """A gr.Image whose handler receives the uploaded file's path untouched.

    gr.Image opens every upload with Pillow before the handler runs, so a file that is not an image,
    or a decompression bomb, would fail there with no useful message: ``core.image_input`` checks it
    instead. (A subclass would do the same, but gradio writes a .pyi stub beside any module that
    defines a component class, which a read-only Space cannot allow.)
    """
    image = gr.Image(type="filepath", image_mode=None, sources=["upload", "webcam", "clipboard"], label=label)
    plain = image.preprocess

    def preprocess(payload):
        if payload is not None and payload.path and not (payload.url or "").startswith("data:"):
            return str(payload.path)
        return plain(payload)

    image.preprocess = preprocess
    return image
