"""档案整理：按整理方案（archive_schema/*.yaml）把文书编号、编目、装盒，打成可校验的 BagIt 包。"""
