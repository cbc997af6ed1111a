/* Generator fixture (test/black/test_genmodules.py): only its existence
 * matters; it is never compiled. */
