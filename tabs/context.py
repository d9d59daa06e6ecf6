"""What every tab can read: the app's mode, the global settings components, and the components that tabs
offer one another (fine-tuning's "use it in the Sentiment tab" drives the sentiment tab's model box)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.remote.client import RemoteSettings
from core.runtime.loading import PRIVATE, PUBLIC, LoadPolicy
from tabs.page_load import PageLoad


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
    #: Components a tab offers to the others, by name ("classify.model"): see ``register`` and ``on_component``.
    components: dict[str, Any] = field(default_factory=dict)
    #: Wirings waiting for a component whose tab is not built yet, by name.
    waiting: dict[str, list[Callable[[Any], None]]] = field(default_factory=dict)
    #: What the page does when it opens, sent as one event once every tab is built (tabs/page_load.py).
    page_load: PageLoad = field(default_factory=PageLoad)

    def register(self, name: str, component: Any) -> None:
        """Offer ``component`` to other tabs as ``name`` ("<tab>.<what>"), and run the wirings that waited for it.

        A name is given once: two tabs claiming one name would leave the other tabs driving the wrong box.
        """
        if name in self.components:
            raise ValueError(f"'{name}' is registered twice")
        self.components[name] = component
        for wire in self.waiting.pop(name, []):
            wire(component)

    def component(self, name: str) -> Any:
        """The component registered as ``name``, or None when no tab built so far offers it."""
        return self.components.get(name)

    def on_component(self, name: str, wire: Callable[[Any], None]) -> None:
        """Call ``wire(component)`` once ``name`` is registered: now, or when its tab is built (tabs are built in
        screen order, and a tab may drive one further right). Without that tab in the app, nothing is wired."""
        if name in self.components:
            wire(self.components[name])
        else:
            self.waiting.setdefault(name, []).append(wire)

    @property
    def policy(self) -> LoadPolicy:
        return PUBLIC if self.public else PRIVATE

    @property
    def remote_settings(self) -> RemoteSettings:
        return RemoteSettings(base_url=self.inference_url, public=self.public)
