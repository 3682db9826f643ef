"""The Processing provider "sise", with the path of the sise program as its setting."""
import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from . import runner
from .algorithms import ALGORITHMS


class SiseProvider(QgsProcessingProvider):
    def id(self):
        return "sise"

    def name(self):
        return "sise 四色风险评估"

    def longName(self):  # noqa: N802 (QGIS's names)
        return "sise 四色城市安全风险评估"

    def icon(self):
        return QIcon(os.path.join(os.path.dirname(__file__), "icon.svg"))

    def load(self):
        # Processing ▸ Options ▸ Providers ▸ sise: where the sise program is (empty: found on PATH).
        try:
            from processing.core.ProcessingConfig import ProcessingConfig, Setting

            ProcessingConfig.settingIcons[self.name()] = self.icon()
            ProcessingConfig.addSetting(Setting(self.name(), runner.SETTING, "sise 程序路径（留空则在 PATH 中查找）", "", valuetype=Setting.FILE))
            ProcessingConfig.readSettings()
        except ImportError:  # without the Processing plugin's Python side: $SISE_BIN or PATH
            pass
        self.refreshAlgorithms()
        return True

    def unload(self):
        try:
            from processing.core.ProcessingConfig import ProcessingConfig

            ProcessingConfig.removeSetting(runner.SETTING)
        except ImportError:
            pass

    def loadAlgorithms(self):  # noqa: N802
        for alg in ALGORITHMS:
            self.addAlgorithm(alg())
