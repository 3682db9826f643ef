"""The plugin: registers the Processing provider, in the desktop and under qgis_process (no iface)."""
from qgis.core import QgsApplication

from .provider import SiseProvider


class SisePlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None

    def initProcessing(self):  # noqa: N802 (QGIS calls it by this name)
        self.provider = SiseProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
