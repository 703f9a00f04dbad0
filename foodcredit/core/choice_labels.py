"""Every choice label of the models, marked for translation (issue 15 §10: every label in the language chosen).

The models' choices carry plain Chinese labels (migrations keep them as text, and the stored value is the code);
they are translated where they are shown: every model's `get_<field>_display()` answers in the reader's language
(`displays_translate`, run once when the apps are ready — so do django-tables2's cells, which call it), `label()`
translates a label held as a value, and `translated_choices()` gives a form's choices. Listing the labels here keeps
them in locale/*/django.po when makemessages runs; office/tests/test_choice_labels.py fails when a model gains a
choice that is not listed.
"""

from collections.abc import Iterable
from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop

CHOICE_LABELS = (
    # first listed by accounts.department
    gettext_noop("市场监管"),
    gettext_noop("发展改革"),
    gettext_noop("农业农村"),
    gettext_noop("卫生健康"),
    gettext_noop("行业协会"),
    # first listed by accounts.user
    gettext_noop("系统管理员"),
    gettext_noop("安全管理员"),
    gettext_noop("审计管理员"),
    gettext_noop("区级监管人员"),
    gettext_noop("所级监管人员"),
    gettext_noop("执法检查人员"),
    gettext_noop("其他部门人员"),
    gettext_noop("企业用户"),
    # first listed by accounts.businesslink
    gettext_noop("待确认"),
    gettext_noop("已确认"),
    gettext_noop("已驳回"),
    gettext_noop("已解除"),
    # first listed by operators.operator
    gettext_noop("生产"),
    gettext_noop("流通"),
    gettext_noop("餐饮"),
    gettext_noop("存续"),
    # first listed by licences.licence
    gettext_noop("注销"),
    gettext_noop("吊销"),
    gettext_noop("食品经营许可证"),
    gettext_noop("食品生产许可证"),
    gettext_noop("有效"),
    gettext_noop("过期"),
    # first listed by credit.disclosurehold
    gettext_noop("登记信息"),
    gettext_noop("许可"),
    gettext_noop("名录名单"),
    gettext_noop("信用承诺"),
    gettext_noop("信用修复"),
    gettext_noop("行业自律措施"),
    gettext_noop("信用风险分类"),
    gettext_noop("责任约谈"),
    gettext_noop("涉及国家秘密"),
    gettext_noop("涉及商业秘密"),
    gettext_noop("涉及个人隐私"),
    gettext_noop("涉及未成年人"),
    gettext_noop("法律、行政法规规定不予公开的其他情形"),
    # first listed by collection.importjob
    gettext_noop("监督检查"),
    gettext_noop("监督抽检"),
    gettext_noop("行政处罚"),
    gettext_noop("投诉举报"),
    gettext_noop("经营主体"),
    gettext_noop("许可证"),
    gettext_noop("等待中"),
    gettext_noop("处理中"),
    gettext_noop("已完成"),
    gettext_noop("未导入"),
    # first listed by credit.listentry
    gettext_noop("经营异常名录"),
    gettext_noop("严重违法失信名单"),
    gettext_noop("未按规定期限公示年度报告"),
    gettext_noop("未在责令的期限内公示即时信息"),
    gettext_noop("公示信息隐瞒真实情况、弄虚作假"),
    gettext_noop("通过登记的住所或者经营场所无法联系"),
    gettext_noop("严重违法失信行为（较重行政处罚）"),
    gettext_noop("列入经营异常名录届满3年仍未履行相关义务"),
    gettext_noop("拟列入（已告知）"),
    gettext_noop("待上级批准"),
    gettext_noop("已列入"),
    gettext_noop("已移出"),
    gettext_noop("不予列入"),
    gettext_noop("已履行义务、纠正"),
    gettext_noop("期满移出"),
    gettext_noop("信用修复（提前移出）"),
    gettext_noop("决定被撤销或变更"),
    gettext_noop("已注销"),
    gettext_noop("转入严重违法失信名单"),
    # first listed by credit.repairapplication
    gettext_noop("行政处罚信息提前停止公示"),
    gettext_noop("移出经营异常名录"),
    gettext_noop("提前移出严重违法失信名单"),
    gettext_noop("不符合申请条件"),
    gettext_noop("已提交"),
    gettext_noop("已受理"),
    gettext_noop("准予修复"),
    gettext_noop("不予修复"),
    # first listed by credit.commitment
    gettext_noop("登记注册信用承诺"),
    gettext_noop("许可告知承诺"),
    gettext_noop("信用修复守信承诺"),
    gettext_noop("放心食品超市自我承诺"),
    gettext_noop("承诺属实"),
    gettext_noop("虚假承诺"),
    # first listed by complaints.complaint
    gettext_noop("待核查"),
    gettext_noop("其他"),
    gettext_noop("来信"),
    gettext_noop("来访"),
    gettext_noop("网络"),
    gettext_noop("投诉"),
    gettext_noop("举报"),
    gettext_noop("属实"),
    gettext_noop("部分属实"),
    gettext_noop("不属实"),
    # first listed by credit.personban
    gettext_noop("被吊销许可证（五年内不得从业）"),
    gettext_noop("食品安全犯罪被判处有期徒刑以上刑罚（终身不得从业）"),
    # first listed by credit.casestudy
    gettext_noop("草稿"),
    gettext_noop("已发布"),
    gettext_noop("已撤回"),
    # first listed by inspections.inspection
    gettext_noop("日常检查"),
    gettext_noop("专项检查"),
    gettext_noop("双随机抽查"),
    gettext_noop("飞行检查"),
    gettext_noop("投诉核查"),
    gettext_noop("符合"),
    gettext_noop("基本符合"),
    gettext_noop("不符合"),
    # first listed by sampling.samplingtest
    gettext_noop("合格"),
    gettext_noop("不合格"),
    gettext_noop("微生物"),
    gettext_noop("农药残留"),
    gettext_noop("兽药残留"),
    gettext_noop("食品添加剂"),
    gettext_noop("重金属"),
    gettext_noop("真菌毒素"),
    gettext_noop("质量指标"),
    gettext_noop("其他污染物"),
    # first listed by penalties.penalty
    gettext_noop("普通程序"),
    gettext_noop("简易程序"),
    gettext_noop("从轻"),
    gettext_noop("减轻"),
    gettext_noop("从重"),
    # first listed by alerts.alert
    gettext_noop("一般"),
    gettext_noop("经营主体投诉举报激增"),
    gettext_noop("街道业态投诉举报激增"),
    gettext_noop("跨街道投诉举报时空聚集"),
    gettext_noop("同一住所集中登记"),
    gettext_noop("法定代表人反复登记注销"),
    gettext_noop("吊销后重新登记"),
    gettext_noop("许可证即将到期"),
    gettext_noop("抽检反复不合格"),
    gettext_noop("抽检不合格聚集"),
    gettext_noop("信用风险分类跃升"),
    gettext_noop("较重"),
    gettext_noop("严重"),
    gettext_noop("已分派"),
    gettext_noop("已采取措施"),
    gettext_noop("已答复"),
    gettext_noop("已办结"),
    gettext_noop("提醒"),
    gettext_noop("警示"),
    gettext_noop("约谈"),
    gettext_noop("检查"),
    gettext_noop("已整改"),
    gettext_noop("经核查无问题"),
    gettext_noop("已立案查处"),
    gettext_noop("已告知"),
    # first listed by objections.objection
    gettext_noop("异议成立，已更正"),
    gettext_noop("异议不成立"),
    # first listed by collection.pendingrecord
    gettext_noop("待关联"),
    gettext_noop("已关联"),
    # first listed by risk.riskmodel
    gettext_noop("评分卡"),
    gettext_noop("正则化逻辑回归"),
    gettext_noop("梯度提升树（LightGBM）"),
    gettext_noop("待启用"),
    gettext_noop("使用中"),
    gettext_noop("已停用"),
    # first listed by risk.classificationrun
    gettext_noop("进行中"),
    # first listed by risk.classoverride
    gettext_noop("信用风险低"),
    gettext_noop("信用风险一般"),
    gettext_noop("信用风险较高"),
    gettext_noop("信用风险高"),
    # first listed by planning.inspectorconflict
    gettext_noop("近亲属"),
    gettext_noop("曾任职单位"),
    gettext_noop("其他利害关系"),
    # first listed by planning.plan
    gettext_noop("已公布随机种子承诺"),
    gettext_noop("已抽取待公布"),
    gettext_noop("已抽取并公布"),
    gettext_noop("已被新版本取代"),
    # first listed by planning.trigger
    gettext_noop("投诉举报核查属实"),
    gettext_noop("抽检不合格"),
    gettext_noop("监测预警"),
    gettext_noop("信用风险分类升至C/D"),
    # first listed by planning.task
    gettext_noop("触发式检查"),
    gettext_noop("待分派"),
    gettext_noop("待检查"),
    gettext_noop("已录入结果"),
    gettext_noop("已公示结果"),
    gettext_noop("已撤销"),
    # first listed by schedule.jobrun
    gettext_noop("Celery定时"),
    gettext_noop("进程内定时"),
    gettext_noop("手动"),
    gettext_noop("运行中"),
    gettext_noop("失败"),
    # first listed by creditreport.creditreport
    gettext_noop("公开版"),
    gettext_noop("内部版"),
    # first listed by portal.publicreport
    gettext_noop("食品中有异物"),
    gettext_noop("销售过期、变质食品"),
    gettext_noop("经营场所卫生条件差"),
    gettext_noop("无证经营"),
    gettext_noop("食用后身体不适"),
    gettext_noop("已登记，待审核"),
    gettext_noop("已受理，正在核查"),
    gettext_noop("不予受理"),
)


def label(value: Any) -> str:
    """A controlled value's label in the reader's language (the text itself when it has no translation)."""
    return gettext(str(value)) if value not in (None, "") else ""


_lazy_label = lazy(label, str)


def translated_choices(choices: Iterable[Any]) -> list[tuple[Any, Any]]:
    """A model's choices with their labels translated when a form renders them (not when the module is imported)."""
    return [
        (value, translated_choices(text) if isinstance(text, (list, tuple)) else _lazy_label(text))  # optgroups
        for value, text in choices
    ]


def _translated_display(self: models.Model, *, field: models.Field) -> str:
    return label(models.Model._get_FIELD_display(self, field))  # type: ignore[attr-defined]


def displays_translate() -> None:
    """Make `get_<field>_display()` of every model with choices answer in the active language (Django sets it in
    Field.contribute_to_class to the untranslated label; a model that defines its own keeps it)."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            if field.choices and isinstance(model.__dict__.get(name), partialmethod):
                setattr(model, name, partialmethod(_translated_display, field=field))
