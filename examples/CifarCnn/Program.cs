// The Keras CIFAR-10 example network (../shared/bench/cifar_cnn.py) on the real CIFAR-10, trained with Fit:
// Conv2d(3,32,3)+ReLU+MaxPool(2) → Conv2d(32,64,3)+ReLU+MaxPool(2) → Conv2d(64,64,3)+ReLU → Flatten → Linear(1024,64)+ReLU
// → Linear(64,10), Adam 1e-3, batch 64, per-channel standardised pixels.
//   dotnet run -c Release --project examples/CifarCnn -- [cifar-10-binary.tar.gz or folder] [epochs]
using System.Diagnostics;
using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;

string? path = args.Length > 0 && args[0] != "-" ? args[0] : null;
int epochs = 10;
if (args.Length > 1 && (!int.TryParse(args[1], System.Globalization.CultureInfo.InvariantCulture, out epochs) || epochs < 1))
{
    Console.Error.WriteLine($"CifarCnn: expected a positive number of epochs, got '{args[1]}'.");
    return 2;
}

(ImageDataset Train, ImageDataset Test) data;
try { data = Cifar10.Load(path); }
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or HttpRequestException)
{
    // A missing or damaged archive is the user's to fix: say what was wrong, without a stack trace.
    Console.Error.WriteLine(e.Message);
    return 2;
}
var (train, test) = data;
var normalize = Normalize.FitPerChannel(train);
var trainSet = train.WithTransform(normalize).Reshape(3, 32, 32);
var testSet = test.WithTransform(normalize).Reshape(3, 32, 32);
Console.WriteLine($"CIFAR-10: {train.Count} training and {test.Count} test images");

var rng = new Rng(0);
var model = new Sequential(
    new Conv2d(3, 32, 3, rng: rng), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, 64, 3, rng: rng), new ReLU(), new MaxPool2d(2),
    new Conv2d(64, 64, 3, rng: rng), new ReLU(),
    new Flatten(), new Linear(1024, 64, rng: rng), new ReLU(), new Linear(64, 10, rng: rng));
var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 1e-3), new CrossEntropyLoss(), new Accuracy());
var clock = Stopwatch.StartNew();
trainer.Fit(trainSet, epochs: epochs, batchSize: 64, validationData: testSet, rng: rng);
double seconds = clock.Elapsed.TotalSeconds;
var result = trainer.Evaluate(testSet);
Console.WriteLine($"Keras CIFAR-10 CNN: test accuracy {result["accuracy"]:P2} after {epochs} epochs, {seconds:F0} s training ({seconds / epochs:F1} s per epoch with evaluation)");
return 0;
