"""渲染：模型 → 字节。只有 :mod:`docgen.util.fs` 负责写文件。"""
