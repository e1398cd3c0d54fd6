from brokertui.cli import main

main()
