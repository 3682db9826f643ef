"""sise 四色风险评估: sise's commands as QGIS Processing algorithms."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import SisePlugin

    return SisePlugin(iface)
