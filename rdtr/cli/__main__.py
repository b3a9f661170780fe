from rdtr.cli import main

main()
