"""What every tab can read: the app's mode and the global settings components."""

from dataclasses import dataclass, field
from typing import Any

from core.remote.client import RemoteSettings
from core.runtime.loading import PRIVATE, PUBLIC, LoadPolicy


@dataclass(frozen=True)
class AppContext:
    """Built once by app.py and handed to each tab's ``build``."""

    public: bool = False
    offline: bool = False
    #: The gr.Blocks being built, for page-load events.
    blocks: Any = None
    #: Global settings components (gr.Dropdown / gr.Radio) that handlers take as inputs.
    device: Any = None
    language: Any = None
    #: Deep-link targets the tabs register while the page is built (see tabs/deep_link.py).
    links: list = field(default_factory=list)
    #: Each model box's status-line refresh, by its dropdown (tabs/widgets/model_picker.py: ``refresh_status_after``).
    model_status: dict = field(default_factory=dict)
    #: The remote backend's settings components (tabs.remote_backend.RemoteControls), and its server.
    remote: Any = None
    inference_url: str | None = None

    @property
    def policy(self) -> LoadPolicy:
        return PUBLIC if self.public else PRIVATE

    @property
    def remote_settings(self) -> RemoteSettings:
        return RemoteSettings(base_url=self.inference_url, public=self.public)
