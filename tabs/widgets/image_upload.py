"""The photo input of image tabs: upload, webcam or clipboard, handed to the handler as an unopened file."""

import abc
from typing import Any

import gradio as gr
from gradio.i18n import I18nData


def _hand_over_the_file(self: gr.Image, payload: Any) -> Any:
    """The uploaded file's path, untouched; an image pasted as a data URL is written to a file by gradio."""
    if payload is not None and payload.path and not (payload.url or "").startswith("data:"):
        return str(payload.path)
    return gr.Image.preprocess(self, payload)


# gr.Image opens every upload with Pillow before the handler runs, so a file that is not an image, or a
# decompression bomb, would fail there with no useful message: ``core.inputs.image`` checks it instead.
# The change has to live on the class: when an event updates the component (clicking an example does),
# gradio rebuilds the visitor's copy as ``type(component)(**constructor_args)``, and a method replaced on
# the instance is lost, so a bad file uploaded after an example got gradio's bare "Error" (issue 14).
# ``is_template`` makes the page draw it as a gr.Image. The class is made with ABCMeta.__new__ rather than
# a class statement because gradio's metaclass writes a .pyi stub beside the module of every component
# class it makes, which a read-only Space cannot allow; the metaclass adds nothing else a subclass
# without its own ``__init__`` or ``EVENTS`` needs.
UploadedImage: type[gr.Image] = abc.ABCMeta.__new__(
    type(gr.Image),
    "UploadedImage",
    (gr.Image,),
    {
        "__module__": __name__,
        "__doc__": "A gr.Image whose handler receives the uploaded file's path, unopened.",
        "is_template": True,
        "preprocess": _hand_over_the_file,
    },
)


def image_upload(label: str | I18nData) -> gr.Image:
    """A photo input whose handler receives the uploaded file's path untouched (see ``UploadedImage``)."""
    return UploadedImage(type="filepath", image_mode=None, sources=["upload", "webcam", "clipboard"], label=label)
