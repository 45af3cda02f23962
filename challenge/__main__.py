from challenge.cli import main

main()
