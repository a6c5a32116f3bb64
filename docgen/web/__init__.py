"""办公室工作台（docgen serve）：在浏览器里起草公文、做任务清单、校验建档立卡数据、建档案、跑月末批处理。

每个页面调用的都是命令行所用的同一些函数（:mod:`docgen.api`、:mod:`docgen.households`、:mod:`docgen.archive`、
:mod:`docgen.batch`）；这里只有网页、账号与安全、工作区、任务队列。
"""
