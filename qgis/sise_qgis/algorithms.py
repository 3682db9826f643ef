"""sise's commands as Processing algorithms: each takes the command's
arguments as parameters, runs the sise program (runner.run), and loads what
it wrote into the project when the algorithm finishes."""
import os
import pathlib
import re
import sqlite3
from contextlib import closing

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputFile,
    QgsProcessingOutputFolder,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from . import runner

def gpkg_layers(path):
    """The feature layers of a GeoPackage sise wrote, in its order, with
    their Chinese titles (the GeoPackage's identifiers)."""
    uri = pathlib.Path(path).resolve().as_uri() + "?mode=ro"  # read-only; a path's "?" or "#" escaped
    with closing(sqlite3.connect(uri, uri=True)) as db:
        rows = db.execute("SELECT table_name, coalesce(identifier, table_name) FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid").fetchall()
    return rows


class DefaultStyle(QgsProcessingLayerPostProcessorInterface):
    """Processing loads result layers without their default style; this puts
    the GeoPackage's own (four colours, aliases, map tip) back on."""

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS's name)
        message, ok = layer.loadDefaultStyle()
        if not ok:
            feedback.pushWarning(f"{layer.name()}: {message}")
        layer.triggerRepaint()


# Processing keeps only a pointer to a post-processor: Python must keep the object alive.
_POST_PROCESSORS = []


def load_gpkg(path, context, title):
    """Load every layer of a GeoPackage when the algorithm finishes, styled as sise wrote it."""
    if not os.path.exists(path):
        return
    for name, identifier in gpkg_layers(path):
        details = QgsProcessingContext.LayerDetails(f"{title} {identifier}".strip(), context.project(), name)
        post = DefaultStyle()
        _POST_PROCESSORS.append(post)
        details.setPostProcessor(post)
        context.addLayerToLoadOnCompletion(f"{path}|layername={name}", details)


class SiseAlgorithm(QgsProcessingAlgorithm):
    """One sise command. Subclasses name it and say how parameters become arguments."""

    command = ""
    title = ""
    help = ""

    def createInstance(self):  # noqa: N802 (QGIS's names)
        return type(self)()

    def name(self):
        return self.command

    def displayName(self):  # noqa: N802
        return self.title

    def shortHelpString(self):  # noqa: N802
        return self.help

    def flags(self):
        # sise runs as a program of its own, which cancelling stops.
        return super().flags() | QgsProcessingAlgorithm.FlagCanCancel

    def arguments(self, parameters, context):
        raise NotImplementedError

    def results(self, parameters, context, stdout):
        return {}

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        stdout = runner.run(self.arguments(parameters, context), feedback)
        return self.results(parameters, context, stdout)


def add_run_options(alg, sensitivity=False):
    alg.addParameter(QgsProcessingParameterFile("CONFIG", "评估配置 (assessment.toml)", extension="toml"))
    alg.addParameter(QgsProcessingParameterFolderDestination("OUT", "输出根目录（写入 OUT/<周期>/<年度>/）"))
    if sensitivity:
        alg.addParameter(QgsProcessingParameterNumber("DRAWS", "抽样次数（0：按配置，默认 200）", QgsProcessingParameterNumber.Integer, 0, False, 0))
        alg.addParameter(QgsProcessingParameterNumber("SEED", "随机种子（0：按配置）", QgsProcessingParameterNumber.Integer, 0, False, 0))
    alg.addParameter(QgsProcessingParameterBoolean("KEEP_GOING", "跳过有问题的要素并列入 rejects.csv（--keep-going）", False))
    alg.addParameter(QgsProcessingParameterBoolean("IF_CHANGED", "输入未变化时不重算（--if-changed）", False))
    alg.addParameter(QgsProcessingParameterBoolean("NO_WEB", "不生成网页一张图（--no-web）", False))
    alg.addParameter(QgsProcessingParameterBoolean("PDF", "同时输出 PDF 报告（--pdf，需要 Chromium）", False))
    alg.addParameter(QgsProcessingParameterNumber("THREADS", "线程数（0：全部核心）", QgsProcessingParameterNumber.Integer, 0, False, 0))
    alg.addParameter(QgsProcessingParameterBoolean("LOAD", "完成后加载结果图层", True))
    alg.addOutput(QgsProcessingOutputFolder("OUTPUT_DIR", "本年度输出目录"))
    alg.addOutput(QgsProcessingOutputFile("GPKG", "四色风险 GeoPackage"))
    alg.addOutput(QgsProcessingOutputFile("PROJECT", "QGIS 工程 sise.qgs"))


def run_arguments(alg, parameters, context, command, sensitivity=False):
    args = [command, alg.parameterAsFile(parameters, "CONFIG", context), "--out", alg.parameterAsString(parameters, "OUT", context)]
    if sensitivity:
        for key, flag in (("DRAWS", "--draws"), ("SEED", "--seed")):
            value = alg.parameterAsInt(parameters, key, context)
            if value > 0:
                args += [flag, str(value)]
    for key, flag in (("KEEP_GOING", "--keep-going"), ("IF_CHANGED", "--if-changed"), ("NO_WEB", "--no-web"), ("PDF", "--pdf")):
        if alg.parameterAsBool(parameters, key, context):
            args.append(flag)
    threads = alg.parameterAsInt(parameters, "THREADS", context)
    if threads > 0:
        args += ["--threads", str(threads)]
    return args


def run_results(alg, parameters, context, stdout):
    """The year folder sise printed, its GeoPackage and project; its layers loaded."""
    lines = [l for l in stdout.splitlines() if l.strip()]
    last = lines[-1] if lines else ""
    kept = re.search(r"outputs in (.+) kept$", last)
    folder = kept.group(1) if kept else last
    if not os.path.isdir(folder):
        raise QgsProcessingException(f"sise 未报告输出目录（stdout: {stdout!r}）")
    gpkg = os.path.join(folder, "sise.gpkg")
    if alg.parameterAsBool(parameters, "LOAD", context):
        load_gpkg(gpkg, context, "")
    return {"OUTPUT_DIR": folder, "GPKG": gpkg, "PROJECT": os.path.join(folder, "sise.qgs")}


class RunAlgorithm(SiseAlgorithm):
    command = "run"
    title = "运行评估 (run)"
    help = "运行一次评估：读取评估配置中的图层，按各领域模型文件评分，聚合到网格与街镇，写出四色风险 GeoPackage、QGIS 工程（含打印布局）、图件、汇总表、报告与网页一张图。输出先写入临时目录，全部成功后才替换 OUT/<周期>/<年度>/。"
    sensitivity = False

    def initAlgorithm(self, config=None):  # noqa: N802
        add_run_options(self, self.sensitivity)

    def arguments(self, parameters, context):
        return run_arguments(self, parameters, context, self.command, self.sensitivity)

    def results(self, parameters, context, stdout):
        return run_results(self, parameters, context, stdout)


class SensitivityAlgorithm(RunAlgorithm):
    command = "sensitivity"
    title = "敏感性分析 (sensitivity)"
    help = "与“运行评估”相同，并做敏感性分析：扰动权重、阈值、管控强度和输入数值，给出各参数影响的对象数、每个对象的等级稳定度和临界对象，写入图层、表格、龙卷风图与报告。相同种子结果相同。"
    sensitivity = True


class ValidateAlgorithm(SiseAlgorithm):
    command = "validate"
    title = "检查配置与数据 (validate)"
    help = "像运行评估一样读取并检查每个图层和模型（字段、坐标系、几何类型、编码、取值），不写出结果。配置有误时算法失败，并给出 sise 的说明。可同时写出数据质量报告（HTML 与 XLSX）。"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("CONFIG", "评估配置 (assessment.toml)", extension="toml"))
        self.addParameter(QgsProcessingParameterFolderDestination("REPORT", "数据质量报告目录（可选）", optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputFolder("REPORT_DIR", "数据质量报告目录"))

    def arguments(self, parameters, context):
        args = ["validate", self.parameterAsFile(parameters, "CONFIG", context)]
        report = self.parameterAsString(parameters, "REPORT", context)
        if report:
            args += ["--report", report]
        self._report = report
        return args

    def results(self, parameters, context, stdout):
        return {"REPORT_DIR": self._report or ""}


class TemplateAlgorithm(SiseAlgorithm):
    command = "template"
    title = "生成采集模板 (template)"
    help = "为模型所需的普查数据生成采集模板：采集模板.xlsx（中文表头、下拉选项、必填列）、采集模板.gpkg（QGIS 属性表单）、专家研判调整表.xlsx 和读回填好文件的 layers.toml。给出评估配置时按其街镇与坐标系。"
    DATUMS = ["wgs84", "cgcs2000", "gcj02", "bd09"]

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("CONFIG", "评估配置（可选）", extension="toml", optional=True))
        self.addParameter(QgsProcessingParameterFile("MODELS", "模型文件目录（无评估配置时）", behavior=QgsProcessingParameterFile.Folder, optional=True))
        self.addParameter(QgsProcessingParameterFolderDestination("OUT", "模板输出目录"))
        self.addParameter(QgsProcessingParameterEnum("DATUM", "表单坐标（默认按配置，否则 WGS84）", ["按配置", "WGS84", "CGCS2000", "GCJ-02（高德）", "BD-09（百度）"], defaultValue=0))
        self.addOutput(QgsProcessingOutputFolder("OUTPUT_DIR", "模板目录"))

    def arguments(self, parameters, context):
        config = self.parameterAsFile(parameters, "CONFIG", context)
        models = self.parameterAsFile(parameters, "MODELS", context)
        if not config and not models:
            raise QgsProcessingException("请给出评估配置或模型文件目录")
        args = ["template"] + ([config] if config else ["--models", models])
        args += ["--out", self.parameterAsString(parameters, "OUT", context)]
        datum = self.parameterAsEnum(parameters, "DATUM", context)
        if datum > 0:
            args += ["--datum", self.DATUMS[datum - 1]]
        return args

    def results(self, parameters, context, stdout):
        out = self.parameterAsString(parameters, "OUT", context)
        load_gpkg(os.path.join(out, "采集模板.gpkg"), context, "采集")
        return {"OUTPUT_DIR": out}


class CompareAlgorithm(SiseAlgorithm):
    command = "compare"
    title = "年度对比 (compare)"
    help = "对比同一评估周期的两个年度：等级转移、升降级对象、新增与撤销对象、街镇变化和专家研判的延续，写出 CSV 表和 changes.gpkg（风险上升/下降/不变/新增/撤销 的样式图层）。"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("FROM", "较早年度的输出目录（OUT/<周期>/<年度>）", behavior=QgsProcessingParameterFile.Folder))
        self.addParameter(QgsProcessingParameterFile("TO", "较晚年度的输出目录", behavior=QgsProcessingParameterFile.Folder))
        self.addParameter(QgsProcessingParameterFolderDestination("OUT", "对比结果目录（默认 OUT/<周期>/compare-<年>-<年>）", optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputFolder("OUTPUT_DIR", "对比结果目录"))

    def arguments(self, parameters, context):
        a = self.parameterAsFile(parameters, "FROM", context)
        b = self.parameterAsFile(parameters, "TO", context)
        out = self.parameterAsString(parameters, "OUT", context)
        if not out:
            years = [os.path.basename(os.path.normpath(p)) for p in (a, b)]
            out = os.path.join(os.path.dirname(os.path.normpath(b)), f"compare-{years[0]}-{years[1]}")
        self._out = out
        return ["compare", a, b, "--out", out]

    def results(self, parameters, context, stdout):
        load_gpkg(os.path.join(self._out, "changes.gpkg"), context, "")
        return {"OUTPUT_DIR": self._out}


class PublishAlgorithm(SiseAlgorithm):
    command = "publish"
    title = "发布到 PostGIS (publish)"
    help = "把一个年度的输出（与 manifest.json 核对）在一个事务中发布到 PostGIS 模式：各领域对象、网格、街镇、风险清单等表，按 (周期, 年度) 保存历年结果，并建立当前等级和等级变化视图。连接串不含密码：请用 .pgpass 或服务文件。"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("DIR", "年度输出目录（OUT/<周期>/<年度>）", behavior=QgsProcessingParameterFile.Folder))
        self.addParameter(QgsProcessingParameterString("TO", "数据库连接（PG:service=… 或 PG:dbname=… host=…）"))
        self.addParameter(QgsProcessingParameterString("SCHEMA", "模式 (schema)", defaultValue="sise"))

    def arguments(self, parameters, context):
        return [
            "publish",
            self.parameterAsFile(parameters, "DIR", context),
            "--to",
            self.parameterAsString(parameters, "TO", context),
            "--schema",
            self.parameterAsString(parameters, "SCHEMA", context),
        ]


ALGORITHMS = [RunAlgorithm, SensitivityAlgorithm, ValidateAlgorithm, TemplateAlgorithm, CompareAlgorithm, PublishAlgorithm]
